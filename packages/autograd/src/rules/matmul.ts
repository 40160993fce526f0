import { matmul, type Tensor } from '@lacuna/tensor';
import { type GradRule, sumToShape } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/matmul.ts. With C = op(A)·op(B):
//   d op(A) = dC·op(B)ᵀ   and   d op(B) = op(A)ᵀ·dC,
// and a transposed operand's gradient is the transpose of its op's gradient. Every product below
// uses the transpose flags, so no operand is ever copied. A 2-D operand shared across a batch gets
// the batch's gradients summed. With C = op(A)·op(B) + D, the addend's gradient is dC itself.

/** True when `operand` has the batch axes of `g`: its gradient then needs no summing over a batch. */
const ownBatch = (operand: Tensor, g: Tensor) =>
  operand.rank === g.rank && operand.shape.slice(0, -2).every((d, i) => d === g.shape[i]);

/**
 * Gradients of `matmul(a, b, { transA, transB, addend })`. An operand's gradient gathered so far
 * (a weight also used elsewhere) is folded into its product as the addend, unless that gradient
 * is summed over a batch first.
 */
export const matmulRule: GradRule<'matmul'> = (g, node, accumulated) => {
  const [a, b, addend] = node.inputs as [Tensor, Tensor, Tensor?];
  const { transA, transB } = node.saved;
  const total = (i: number, operand: Tensor) =>
    ownBatch(operand, g) ? accumulated?.take(i) : undefined;
  const da = () => {
    const sum = total(0, a);
    return transA
      ? matmul(b, g, { transA: transB, transB: true, addend: sum }) // op(B)·dCᵀ
      : matmul(g, b, { transB: !transB, addend: sum }); // dC·op(B)ᵀ
  };
  const db = () => {
    const sum = total(1, b);
    return transB
      ? matmul(g, a, { transA: true, transB: transA, addend: sum }) // dCᵀ·op(A)
      : matmul(a, g, { transA: !transA, addend: sum }); // op(A)ᵀ·dC
  };
  // The first layer's input needs no gradient: skipping it saves a third of that layer's backward.
  const grads = [
    a.requiresGrad ? sumToShape(da(), a.shape) : null,
    b.requiresGrad ? sumToShape(db(), b.shape) : null,
  ];
  if (addend) grads.push(addend.requiresGrad ? g : null);
  return grads;
};
