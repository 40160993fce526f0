import { addRule, divRule, maximumRule, minimumRule, mulRule, subRule } from './binary.js';
import { dropoutRule } from './dropout.js';
import { logSoftmaxRule } from './log-softmax.js';
import { matmulRule } from './matmul.js';
import { extremumRule, meanRule, sumRule } from './reduce.js';
import { reshapeRule } from './reshape.js';
import type { GradRule } from './rule.js';
import {
  absRule,
  expRule,
  logRule,
  negRule,
  reluRule,
  sigmoidRule,
  sqrtRule,
  tanhRule,
} from './unary.js';

/** Every gradient rule, keyed by the op name @lacuna/tensor records. A static table: no registration side effects. */
export const gradRules: Readonly<Record<string, GradRule>> = {
  add: addRule,
  sub: subRule,
  mul: mulRule,
  div: divRule,
  maximum: maximumRule,
  minimum: minimumRule,
  neg: negRule,
  exp: expRule,
  log: logRule,
  relu: reluRule,
  sqrt: sqrtRule,
  abs: absRule,
  sigmoid: sigmoidRule,
  tanh: tanhRule,
  sum: sumRule,
  mean: meanRule,
  max: extremumRule,
  min: extremumRule,
  matmul: matmulRule,
  logSoftmax: logSoftmaxRule,
  reshape: reshapeRule,
  dropout: dropoutRule,
};
