// Type-level tests of the rule table, checked by `tsc --noEmit` (the package's typecheck, part of
// `pnpm test`); never executed. Each `@ts-expect-error` line must fail to compile: if the typing
// it guards were loosened, the directive would be unused and tsc would fail. The types come from
// @lacuna/tensor's built dist/index.d.ts, so this also checks what a user of the package sees.
import { matmul, ones, record, type Tensor } from '@lacuna/tensor';
import { type GradRules, gradRules } from './index.js';
import type { GradRule } from './rule.js';

/** (a) A table without a rule for a recorded op does not compile. */
export function tableMissingAnOp(): GradRules {
  const { maxPool2d: _removed, ...withoutMaxPool2d } = gradRules;
  // @ts-expect-error: maxPool2d is recorded by @lacuna/tensor but has no rule here.
  return withoutMaxPool2d;
}

/** (a) Nor does a table with one op's rule under another op's name. */
export function tableWithSwappedRules(): GradRules {
  // @ts-expect-error: avgPool2d's rule takes avgPool2d's node (saved.geometry), not maxPool2d's.
  return { ...gradRules, maxPool2d: gradRules.avgPool2d };
}

/** (b) A rule that reads a value its op does not save does not compile. */
export const ruleReadingAnUnsavedValue: GradRule<'matmul'> = (g, node) => {
  // @ts-expect-error: matmul saves transA and transB, not argmax.
  const argmax: Int32Array = node.saved.argmax;
  return [g, g.size === argmax.length ? g : null];
};

/** (b) Nor does one that takes a saved value for the wrong type. */
export const ruleMistypingASavedValue: GradRule<'logSoftmax'> = (g, node) => {
  // @ts-expect-error: logSoftmax's saved axis is a number, not a list of axes.
  const axes: readonly number[] = node.saved.axis;
  return [axes.length > 0 ? g : null];
};

/** The rule of a saved value read correctly compiles, without a cast. */
export const ruleReadingSavedValues: GradRule<'matmul'> = (g, node) => {
  const { transA, transB } = node.saved;
  return [transA ? g : null, transB ? g : null];
};

/** (c) `record` checks the saved values against the op, and the op against the known ops. */
export function recordChecksItsArguments(x: Tensor): Tensor[] {
  return [
    // @ts-expect-error: matmul saves { transA, transB }, not { wrong }.
    record('matmul', [x, x], matmul(x, x), { wrong: 1 }),
    // @ts-expect-error: matmul's transA is a boolean.
    record('matmul', [x, x], matmul(x, x), { transA: 1, transB: false }),
    // @ts-expect-error: 'noSuchOp' is not an op of @lacuna/tensor.
    record('noSuchOp', [x], x, {}),
    record('matmul', [x, x], matmul(x, x), { transA: false, transB: false }),
  ];
}

/** (c) A helper recording several ops must save what each of them needs. */
export function sharedRecordSite(op: 'add' | 'matmul', x: Tensor): Tensor {
  // @ts-expect-error: {} suits add but not matmul, which saves transA and transB.
  return record(op, [x, x], x, {});
}

/** Ops that save the same values share a call site without a cast. */
export function sharedRecordSiteOfAlikeOps(op: 'add' | 'sub', x: Tensor): Tensor {
  return record(op, [x, x], x, {});
}

/** A tensor's node narrows to its op's saved values by checking `op` and `released`. */
export function narrowedNode(): Int32Array | null {
  const node = ones([1]).gradNode;
  if (node?.op === 'maxPool2d' && !node.released) return node.saved.argmax;
  // @ts-expect-error: without narrowing, `saved` may be any op's values.
  return node?.saved.argmax ?? null;
}
