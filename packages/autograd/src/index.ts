/**
 * `@lacuna/autograd`: reverse-mode automatic differentiation over `@lacuna/tensor` ops.
 *
 * Mark parameters with `requiresGrad = true`, compute a loss with ordinary tensor ops, then call
 * {@link backward}, or use {@link valueAndGrad} / {@link grad} for a functional style.
 *
 * @packageDocumentation
 */
export { type BackwardOptions, backward, computeGradients, zeroGrad } from './backward.js';
export { GradientError } from './errors.js';
export { detach, grad, noGrad, type ValueAndGrad, valueAndGrad } from './grad.js';
export {
  type GradcheckOptions,
  type GradcheckResult,
  type GradcheckWorst,
  gradcheck,
} from './gradcheck.js';
export { type GradRules, gradRules } from './rules/index.js';
export type { Accumulated, GradRule } from './rules/rule.js';
