import type { OpName, OpSaved } from '../op-saved.js';
import type { Tensor } from '../tensor.js';

/** What `op` saved on `t`'s node; throws when `t` was not recorded by that op. */
export function savedBy<K extends OpName>(t: Tensor, op: K): OpSaved[K] {
  const node = t.gradNode;
  if (node?.op !== op || node.released) throw new Error(`${op} was not recorded on this tensor`);
  return node.saved as OpSaved[K];
}
