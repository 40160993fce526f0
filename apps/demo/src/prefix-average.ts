/**
 * Test error of the running average of stochastic predictions after each of the first `ks`
 * passes: the average of passes 1..k is a prefix of the average of passes 1..max(ks), so one
 * pool of max(ks) passes answers every k (cost max(ks) passes, not Σk).
 *
 * Each pass is a row-major [N, C] array of class probabilities; the prediction of an input after
 * k passes is the argmax of the summed probabilities (the lowest class on ties, like `argmax`),
 * which is the argmax of their mean (Srivastava et al. 2014, section 7.5: average the outputs of
 * k sampled thinned networks).
 *
 * @param passes - The passes, in order (an array or a lazy iterable: only max(ks) are read).
 * @param labels - The N true classes.
 * @param classes - C.
 * @param ks - Strictly increasing positive integers.
 * @returns The error (a fraction of N) after k passes, one per entry of `ks`.
 */
export function prefixAverageErrors(
  passes: Iterable<ArrayLike<number>>,
  labels: ArrayLike<number>,
  classes: number,
  ks: readonly number[],
): number[] {
  if (!Number.isInteger(classes) || classes < 1)
    throw new RangeError(`prefixAverageErrors: classes must be a positive integer, got ${classes}`);
  if (
    ks.length === 0 ||
    ks.some((k, i) => !Number.isInteger(k) || k < 1 || (i > 0 && k <= ks[i - 1]!))
  )
    throw new RangeError(
      `prefixAverageErrors: ks must be strictly increasing positive integers, got [${ks.join(', ')}]`,
    );
  const n = labels.length;
  const sum = new Float64Array(n * classes);
  const errors: number[] = [];
  let k = 0;
  for (const probs of passes) {
    if (probs.length !== n * classes)
      throw new RangeError(
        `prefixAverageErrors: pass ${k + 1} must hold ${n}×${classes} = ${n * classes} probabilities, got ${probs.length}`,
      );
    for (let i = 0; i < sum.length; i++) sum[i]! += probs[i]!;
    k++;
    if (k === ks[errors.length]) {
      errors.push(errorOf(sum, labels, classes));
      if (errors.length === ks.length) return errors;
    }
  }
  throw new RangeError(
    `prefixAverageErrors: needs ${ks[ks.length - 1]} passes for ks = [${ks.join(', ')}], got ${k}`,
  );
}

/** The share of rows whose argmax (lowest class on ties) is not the label. */
function errorOf(scores: Float64Array, labels: ArrayLike<number>, classes: number): number {
  let wrong = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++)
      if (scores[i * classes + c]! > scores[i * classes + best]!) best = c;
    if (best !== labels[i]) wrong++;
  }
  return labels.length ? wrong / labels.length : 0;
}
