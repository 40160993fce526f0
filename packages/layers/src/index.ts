/**
 * `@lacuna/layers`: modules with train/eval modes, layers, losses, initialisers and dropout.
 *
 * @packageDocumentation
 */
export {
  constant,
  type Fans,
  fans,
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  lecunNormal,
} from './init/initializers.js';
export { crossEntropy } from './losses/cross-entropy.js';
export { mseLoss } from './losses/mse.js';
export { Module } from './module.js';
export { ReLU, Sigmoid, Tanh } from './modules/activations.js';
export { Dropout, type DropoutModuleOptions } from './modules/dropout.js';
export { Linear, type LinearOptions } from './modules/linear.js';
export { Sequential } from './modules/sequential.js';
