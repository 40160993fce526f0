import { softmaxCrossEntropyBackward, type Tensor } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/softmax-cross-entropy.ts: with L = −Σ t·log softmax(z),
//   dz = g·(softmax(z)·Σ t − t)   (softmax − onehot for class indices),
// g scaled by 1/N for the mean reduction. One fused kernel: softmax is recomputed from z.

/** Gradient of `softmaxCrossEntropy(logits, targets, options)` with respect to the logits. */
export const softmaxCrossEntropyRule: GradRule<'softmaxCrossEntropy'> = (g, node) => {
  const [logits] = node.inputs as [Tensor];
  return [softmaxCrossEntropyBackward(g, logits, node.saved)];
};
