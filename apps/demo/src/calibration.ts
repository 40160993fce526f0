/**
 * Calibration of a classifier's confidence (Guo et al. 2017, "On Calibration of Modern Neural
 * Networks"): the reliability diagram's bins and the expected calibration error, for `mc`.
 * Pure functions over plain arrays, tested directly.
 */

/** Accuracy against confidence in equal-width bins, and the expected calibration error. */
export interface Calibration {
  /** Bin edges 0, 1/B, …, 1. Bin k holds confidences in (edges[k], edges[k + 1]] (bin 0 also 0). */
  edges: number[];
  /** Share of correct predictions in each bin (null for an empty bin). */
  accuracy: (number | null)[];
  /** Mean confidence in each bin (null for an empty bin). */
  confidence: (number | null)[];
  /** Share of all inputs in each bin (sums to 1). */
  share: number[];
  /** Expected calibration error: Σ_k share_k · |accuracy_k − confidence_k|. */
  ece: number;
}

/**
 * Bins predictions by confidence into `bins` equal-width bins and computes each bin's accuracy
 * and mean confidence and the expected calibration error
 * `ECE = Σ_k (n_k / n) · |acc_k − conf_k|` (0 for a perfectly calibrated classifier).
 *
 * @param confidence - The probability of each input's predicted class, in [0, 1].
 * @param correct - Whether each prediction is right.
 * @param bins - Number of equal-width bins (default 10).
 * @example
 * ```ts
 * calibration([0.9, 0.8, 0.6, 0.3], [true, true, false, false], 2).ece; // 0.15
 * ```
 */
export function calibration(
  confidence: ArrayLike<number>,
  correct: ArrayLike<boolean>,
  bins = 10,
): Calibration {
  const n = confidence.length;
  if (correct.length !== n)
    throw new RangeError(`calibration: ${n} confidences but ${correct.length} outcomes`);
  if (!Number.isInteger(bins) || bins < 1)
    throw new RangeError(`calibration: bins must be a whole number ≥ 1, got ${bins}`);
  const count = new Array<number>(bins).fill(0);
  const hits = new Array<number>(bins).fill(0);
  const sum = new Array<number>(bins).fill(0);
  for (let i = 0; i < n; i++) {
    const c = confidence[i]!;
    if (!(c >= 0 && c <= 1))
      throw new RangeError(`calibration: confidence[${i}] must be in [0, 1], got ${c}`);
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(c * bins) - 1));
    count[b]!++;
    sum[b]! += c;
    if (correct[i]) hits[b]!++;
  }
  const accuracy = count.map((k, b) => (k ? hits[b]! / k : null));
  const mean = count.map((k, b) => (k ? sum[b]! / k : null));
  const ece = count.reduce(
    (e, k, b) => (k ? e + (k / n) * Math.abs(accuracy[b]! - mean[b]!) : e),
    0,
  );
  return {
    edges: Array.from({ length: bins + 1 }, (_, k) => k / bins),
    accuracy,
    confidence: mean,
    share: count.map((k) => (n ? k / n : 0)),
    ece,
  };
}

/** For each row of [n, classes] probabilities: the predicted class and its probability. */
export function predictions(
  probabilities: ArrayLike<number>,
  classes: number,
): { predicted: number[]; confidence: number[] } {
  const n = probabilities.length / classes;
  const predicted: number[] = [];
  const confidence: number[] = [];
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++)
      if (probabilities[i * classes + c]! > probabilities[i * classes + best]!) best = c;
    predicted.push(best);
    confidence.push(probabilities[i * classes + best]!);
  }
  return { predicted, confidence };
}

/**
 * The indices of the `k` smallest and `k` largest values (ties by index), e.g. the most and
 * least certain inputs by predictive entropy.
 *
 * @example
 * ```ts
 * extremes([0.5, 0.1, 0.9, 0.3], 1); // { lowest: [1], highest: [2] }
 * ```
 */
export function extremes(
  values: ArrayLike<number>,
  k: number,
): { lowest: number[]; highest: number[] } {
  const order = Array.from({ length: values.length }, (_, i) => i).sort(
    (a, b) => values[a]! - values[b]! || a - b,
  );
  return { lowest: order.slice(0, k), highest: order.slice(-k).reverse() };
}

/** Mean confidence and accuracy over all inputs, from the bins. */
export function overall(c: Calibration): { confidence: number; accuracy: number } {
  let confidence = 0;
  let accuracy = 0;
  c.share.forEach((s, k) => {
    if (s === 0) return;
    confidence += s * c.confidence[k]!;
    accuracy += s * c.accuracy[k]!;
  });
  return { confidence, accuracy };
}

const pct = (v: number) => `${(100 * v).toFixed(2)} %`;

/**
 * Sentences on calibration, generated from the numbers: the ECE of the MC mean against the
 * weight-scaled network, whether each is over- or under-confident overall, and whether
 * accuracy rises with confidence.
 *
 * @example
 * ```ts
 * const c = calibration([0.9, 0.8, 0.6, 0.3], [true, true, false, false], 2);
 * calibrationFindings(c, c, 'MC dropout mean')[0]; // '… 15.00 % for the MC dropout mean against 15.00 % …'
 * ```
 */
export function calibrationFindings(
  mc: Calibration,
  scaled: Calibration,
  mcName: string,
): string[] {
  const bins = mc.edges.length - 1;
  const d = mc.ece - scaled.ece;
  const compared =
    Math.abs(d) < 0.001
      ? 'the two are equally well calibrated (within 0.1 points)'
      : d < 0
        ? `MC averaging is better calibrated here (ECE ${(100 * -d).toFixed(2)} points lower)`
        : `MC averaging is worse calibrated here (ECE ${(100 * d).toFixed(2)} points higher)`;
  const bias = (c: Calibration) => {
    const all = overall(c);
    const gap = all.confidence - all.accuracy;
    return `${pct(all.confidence)} confident and ${pct(all.accuracy)} accurate (${
      Math.abs(gap) < 0.005
        ? 'confidence matches accuracy to within 0.5 points'
        : gap > 0
          ? `over-confident by ${(100 * gap).toFixed(2)} points`
          : `under-confident by ${(100 * -gap).toFixed(2)} points`
    })`;
  };
  const findings = [
    `Expected calibration error over ${bins} equal confidence bins (the mean gap between accuracy and confidence, weighted by the share of inputs): ${pct(mc.ece)} for the ${mcName} against ${pct(scaled.ece)} for the weight-scaled network (one trained network, so the spread over seeds is unmeasured): ${compared}.`,
    `On average the ${mcName} is ${bias(mc)}; the weight-scaled network is ${bias(scaled)}.`,
  ];
  const filled = mc.accuracy
    .map((a, k) => ({ a, k }))
    .filter((b): b is { a: number; k: number } => b.a !== null);
  if (filled.length >= 2) {
    const low = filled[0]!;
    const high = filled[filled.length - 1]!;
    const range = (k: number) => `${mc.edges[k]!.toFixed(1)}–${mc.edges[k + 1]!.toFixed(1)}`;
    findings.push(
      high.a > low.a
        ? `Confident predictions are more often right: ${pct(high.a)} accuracy in the most confident bin (${range(high.k)}) against ${pct(low.a)} in the least confident one (${range(low.k)}).`
        : `Accuracy does not rise with confidence in this run: ${pct(high.a)} in the most confident bin (${range(high.k)}) against ${pct(low.a)} in the least confident one (${range(low.k)}).`,
    );
  }
  return findings;
}
