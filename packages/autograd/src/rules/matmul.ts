import { matmul, type Tensor } from '@lacuna/tensor';
import { type GradRule, sumToShape } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/matmul.ts. With C = op(A)·op(B):
//   d op(A) = dC·op(B)ᵀ   and   d op(B) = op(A)ᵀ·dC,
// and a transposed operand's gradient is the transpose of its op's gradient. Every product below
// uses the transpose flags, so no operand is ever copied. A 2-D operand shared across a batch gets
// the batch's gradients summed. With C = op(A)·op(B) + D, the addend's gradient is dC itself.

/** Gradients of `matmul(a, b, { transA, transB, addend })`. */
export const matmulRule: GradRule<'matmul'> = (g, node) => {
  const [a, b, addend] = node.inputs as [Tensor, Tensor, Tensor?];
  const { transA, transB } = node.saved;
  const da = () =>
    transA
      ? matmul(b, g, { transA: transB, transB: true }) // op(B)·dCᵀ
      : matmul(g, b, { transB: !transB }); // dC·op(B)ᵀ
  const db = () =>
    transB
      ? matmul(g, a, { transA: true, transB: transA }) // dCᵀ·op(A)
      : matmul(a, g, { transA: !transA }); // op(A)ᵀ·dC
  // The first layer's input needs no gradient: skipping it saves a third of that layer's backward.
  const grads = [
    a.requiresGrad ? sumToShape(da(), a.shape) : null,
    b.requiresGrad ? sumToShape(db(), b.shape) : null,
  ];
  if (addend) grads.push(addend.requiresGrad ? g : null);
  return grads;
};
