import {
  AlphaDropout,
  DropConnectLinear,
  Dropout,
  GaussianDropout,
  Linear,
  type Module,
  ReLU,
  SELU,
  Sequential,
} from '@lacuna/layers';
import type { DropoutScaling, Generator } from '@lacuna/tensor';

/** Which regulariser the MLP uses between layers. */
export type Variant = 'none' | 'dropout' | 'gaussian' | 'dropconnect' | 'alpha';

/** An MLP's shape and regularisation. */
export interface MlpSpec {
  inputs: number;
  hidden: number[];
  outputs: number;
  /** Drop probability on the inputs (Srivastava et al.: 0.2). */
  inputP: number;
  /** Drop probability on hidden units (Srivastava et al.: 0.5). */
  hiddenP: number;
  variant: Variant;
  scaling?: DropoutScaling;
}

/**
 * A multi-layer perceptron with the chosen dropout variant: ReLU units (SELU for alpha dropout),
 * the variant after the input and after each hidden layer, DropConnect on the hidden weights.
 */
export function buildMlp(spec: MlpSpec, g: Generator): Module {
  const layers: Module[] = [];
  const drop = (p: number): Module[] => {
    if (p === 0 || spec.variant === 'none' || spec.variant === 'dropconnect') return [];
    if (spec.variant === 'gaussian') return [new GaussianDropout(p, { generator: g.fork() })];
    if (spec.variant === 'alpha') return [new AlphaDropout(p, { generator: g.fork() })];
    return [new Dropout(p, { generator: g.fork(), scaling: spec.scaling ?? 'inverted' })];
  };
  layers.push(...drop(spec.inputP));
  let width = spec.inputs;
  spec.hidden.forEach((h, i) => {
    layers.push(
      spec.variant === 'dropconnect' && i > 0
        ? new DropConnectLinear(width, h, spec.hiddenP, { generator: g })
        : new Linear(width, h, { generator: g }),
      spec.variant === 'alpha' ? new SELU() : new ReLU(),
      ...drop(spec.hiddenP),
    );
    width = h;
  });
  layers.push(
    spec.variant === 'dropconnect'
      ? new DropConnectLinear(width, spec.outputs, spec.hiddenP, { generator: g })
      : new Linear(width, spec.outputs, { generator: g }),
  );
  return new Sequential(...layers);
}
