import { LacunaError } from '@lacuna/tensor';
import type { Dataset } from './synthetic.js';

/** A labelled image set: inputs, labels and the class names. */
export interface LabelledImages extends Dataset {
  /** Class names by label. */
  classes: readonly string[];
}

/** Which split a loader returns. */
export type Split = 'train' | 'test';

/** Checks the required `split` argument of the file loaders. */
export function checkSplit(op: string, split: unknown): Split {
  if (split !== 'train' && split !== 'test')
    throw new LacunaError(
      op,
      'split',
      `must be 'train' or 'test', got ${typeof split === 'string' ? JSON.stringify(split) : String(split)}`,
    );
  return split;
}

/** Checks a required directory argument. */
export function checkDir(op: string, dir: unknown): string {
  if (typeof dir !== 'string' || dir.length === 0)
    throw new LacunaError(
      op,
      'dir',
      `must be a non-empty string (a directory), got ${String(dir)}`,
    );
  return dir;
}
