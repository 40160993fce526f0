import { noGrad } from '@lacuna/autograd';
import { type Shape, type Tensor, zeros } from '@lacuna/tensor';
import type { Module } from './module.js';

/** One row of {@link summary}. */
export interface SummaryRow {
  /** Dotted name ('' for the model itself). */
  name: string;
  /** The module's class name. */
  type: string;
  /** Output shape of the module's forward pass on the example input. */
  outputShape: readonly number[] | null;
  /** Parameters owned directly by this module (not its children). */
  params: number;
}

/** What {@link summary} returns: the rows, the totals and a printable table. */
export interface Summary {
  /** One row per module, depth first. */
  rows: SummaryRow[];
  /** All parameters. */
  totalParams: number;
  /** Parameters with `requiresGrad`. */
  trainableParams: number;
  /** The table as Keras prints it. */
  text: string;
}

/**
 * A Keras-style summary: every module with its output shape and parameter count, found by running
 * one forward pass on zeros of `inputShape` (in eval mode, without recording a graph; modes are
 * restored afterwards).
 *
 * @param model - The model.
 * @param inputShape - Shape of an example input batch, e.g. [1, 784].
 * @example
 * ```ts
 * import { Dropout, Linear, ReLU, Sequential, summary } from '@lacuna/layers';
 * import { Generator } from '@lacuna/tensor';
 * const g = new Generator(0);
 * const net = new Sequential(new Linear(784, 128, { generator: g }), new ReLU(), new Dropout(0.5, { generator: g }), new Linear(128, 10, { generator: g }));
 * console.log(summary(net, [1, 784]).text);
 * ```
 */
export function summary(model: Module, inputShape: Shape): Summary {
  const modules = model.namedModules();
  const shapes = new Map<Module, readonly number[]>();
  const originals = modules.map(([, m]) => [m, m.forward] as const);
  const restoreModes = model.saveModes();
  for (const [, m] of modules) {
    const forward = m.forward;
    m.forward = (x: Tensor) => {
      const y = forward.call(m, x);
      shapes.set(m, y.shape);
      return y;
    };
  }
  try {
    model.eval();
    noGrad(() => model.forward(zeros(inputShape)));
  } finally {
    for (const [m, forward] of originals) m.forward = forward;
    restoreModes();
  }
  const own = (m: Module) => {
    const childParams = new Set(m.namedChildren().flatMap(([, c]) => c.parameters()));
    return m.parameters().filter((p) => !childParams.has(p));
  };
  const rows: SummaryRow[] = modules.map(([name, m]) => ({
    name,
    type: m.constructor.name,
    outputShape: shapes.get(m) ?? null,
    params: own(m).reduce((n, p) => n + p.size, 0),
  }));
  const all = model.parameters();
  const totalParams = all.reduce((n, p) => n + p.size, 0);
  const trainableParams = all.filter((p) => p.requiresGrad).reduce((n, p) => n + p.size, 0);
  const cells = rows.map((r) => [
    r.name === '' ? `(model) ${r.type}` : `${r.name} (${r.type})`,
    r.outputShape ? `[${r.outputShape.join(', ')}]` : '-',
    r.params.toLocaleString('en-US'),
  ]);
  const head = ['Layer (type)', 'Output shape', 'Param #'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c.map((v, i) => (i === 2 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('   ');
  const rule = '─'.repeat(widths.reduce((a, w) => a + w, 0) + 6);
  const text = [
    line(head),
    rule,
    ...cells.map(line),
    rule,
    `Total params: ${totalParams.toLocaleString('en-US')}`,
    `Trainable params: ${trainableParams.toLocaleString('en-US')}`,
    `Non-trainable params: ${(totalParams - trainableParams).toLocaleString('en-US')}`,
  ].join('\n');
  return { rows, totalParams, trainableParams, text };
}
