import type { DemoCommand } from '../command.js';
import { coadaptation } from './coadaptation.js';
import { compare } from './compare.js';
import { conv } from './conv.js';
import { ensemble } from './ensemble.js';
import { learned } from './learned.js';
import { mc } from './mc.js';
import { noisyLabels } from './noisy-labels.js';
import { regularizers } from './regularizers.js';
import { scaling } from './scaling.js';
import { size } from './size.js';
import { sweep } from './sweep.js';
import { variants } from './variants.js';
import { width } from './width.js';

/** Every demo command, in help order (and the order `all` runs them). */
export const COMMANDS: readonly DemoCommand[] = [
  compare,
  ensemble,
  width,
  sweep,
  variants,
  mc,
  coadaptation,
  size,
  noisyLabels,
  regularizers,
  conv,
  scaling,
  learned,
];
