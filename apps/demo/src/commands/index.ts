import type { DemoCommand } from '../command.js';
import { compare } from './compare.js';
import { mc } from './mc.js';
import { noisyLabels } from './noisy-labels.js';
import { regularizers } from './regularizers.js';
import { scaling } from './scaling.js';
import { size } from './size.js';
import { sweep } from './sweep.js';
import { variants } from './variants.js';

/** Every demo command, in help order (and the order `all` runs them). */
export const COMMANDS: readonly DemoCommand[] = [
  compare,
  sweep,
  variants,
  mc,
  size,
  noisyLabels,
  regularizers,
  scaling,
];
