import type { Tensor } from '@lacuna/tensor';

/**
 * Bytes that the autograd graph between `x` and `y` keeps alive for the backward pass: saved
 * masks, keys and intermediate tensors, not counting `x`, `y` or parameters (leaves).
 */
export function retainedBytes(y: Tensor, x: Tensor): number {
  const seen = new Set<unknown>();
  let bytes = 0;
  const count = (value: unknown): void => {
    if (
      value === null ||
      typeof value !== 'object' ||
      seen.has(value) ||
      value === x ||
      value === y
    )
      return;
    seen.add(value);
    if (ArrayBuffer.isView(value)) {
      bytes += value.byteLength;
      return;
    }
    const t = value as Partial<Tensor>;
    if (t.storage && t.shape) {
      if (t.gradNode || !t.requiresGrad) count(t.storage); // an intermediate or a saved constant
      if (t.gradNode) visit(t as Tensor);
      return;
    }
    // A plain saved object (a random key: two 32-bit words).
    if ('hi' in t && 'lo' in t) bytes += 8;
    else for (const v of Object.values(value)) count(v);
  };
  const visit = (t: Tensor): void => {
    const node = t.gradNode;
    if (!node) return;
    for (const input of node.inputs) if (input !== x) count(input);
    for (const v of Object.values(node.saved)) if (v !== t) count(v);
  };
  visit(y);
  return bytes;
}
