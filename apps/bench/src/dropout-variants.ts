import { backward } from '@lacuna/autograd';
import {
  AlphaDropout,
  DropBlock2d,
  DropConnectLinear,
  Dropout,
  Dropout2d,
  DropPath,
  FeatureAlphaDropout,
  GaussianDropout,
  GaussianNoise,
  LockedDropout,
  type Module,
} from '@lacuna/layers';
import { Generator, sum, type Tensor, uniform } from '@lacuna/tensor';
import { measure, type Timing } from './measure.js';
import { retainedBytes } from './memory.js';

/** One dropout-family layer and the input layout it takes, from an NCHW shape. */
interface Variant {
  name: string;
  layer: Module;
  shape: (nchw: number[]) => number[];
}

function variants(): Variant[] {
  const root = new Generator(0);
  const g = () => ({ generator: root.fork() });
  const same = (s: number[]) => s;
  return [
    { name: 'Dropout', layer: new Dropout(0.5, g()), shape: same },
    { name: 'Dropout2d', layer: new Dropout2d(0.5, g()), shape: same },
    { name: 'GaussianDropout', layer: new GaussianDropout(0.5, g()), shape: same },
    { name: 'GaussianNoise', layer: new GaussianNoise(0.5, g()), shape: same },
    { name: 'AlphaDropout', layer: new AlphaDropout(0.5, g()), shape: same },
    { name: 'FeatureAlphaDropout', layer: new FeatureAlphaDropout(0.5, g()), shape: same },
    {
      name: 'LockedDropout [N, H·W, C]',
      layer: new LockedDropout(0.5, g()),
      shape: ([n, c, h, w]) => [n!, h! * w!, c!],
    },
    { name: 'DropPath', layer: new DropPath(0.5, g()), shape: same },
    { name: 'DropBlock2d (block 3)', layer: new DropBlock2d(0.5, 3, g()), shape: same },
    {
      name: 'DropConnectLinear C→C',
      layer: new DropConnectLinear(64, 64, 0.5, g()),
      shape: ([n, c, h, w]) => [n! * h! * w!, c!],
    },
  ];
}

/** A row of the dropout-variant report. */
export interface VariantResult {
  name: string;
  elements: number;
  timing: Timing;
  /** Bytes the graph keeps between forward and backward, per input element. */
  bytesPerElement: number;
}

/** Forward + backward of every variant on `nchw` (C must be 64 for DropConnect), with memory held. */
export function benchDropoutVariants(nchw: number[], runs: number): VariantResult[] {
  return variants().map(({ name, layer, shape }) => {
    const x: Tensor = uniform(shape(nchw), { generator: new Generator(1) });
    x.requiresGrad = true;
    const y = layer.forward(x);
    const bytes = retainedBytes(y, x);
    backward(sum(y));
    const timing = measure(() => {
      x.grad = null;
      backward(sum(layer.forward(x)));
    }, runs);
    return { name, elements: x.size, timing, bytesPerElement: bytes / x.size };
  });
}
