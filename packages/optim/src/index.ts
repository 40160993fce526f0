/**
 * `@lacuna/optim`: optimizers that update `@lacuna/tensor` parameters from their gradients.
 *
 * @packageDocumentation
 */
export { SGD, type SGDOptions, type SGDState } from './sgd.js';
