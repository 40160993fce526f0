import { createRequire } from 'node:module';
import { backward } from '@lacuna/autograd';
import * as esmTensor from '@lacuna/tensor';
import { describe, expect, it, vi } from 'vitest';
import { DropoutLayer } from './dropout/base.js';
import { Dropout } from './dropout/dropout.js';
import { Module } from './module.js';
import { Linear } from './modules/linear.js';
import { Sequential } from './modules/sequential.js';

// The CommonJS build of @lacuna/tensor next to the ESM build this package imports: two copies of
// one version in one process, as a program that both imports and requires the package has.
const require = createRequire(import.meta.url);
const cjsTensor = require('@lacuna/tensor') as typeof esmTensor;

describe('a second copy of @lacuna/tensor (its CJS build next to the ESM one)', () => {
  it('is a separate copy', () => {
    expect(cjsTensor.Generator).not.toBe(esmTensor.Generator);
    expect(cjsTensor.Tensor).not.toBe(esmTensor.Tensor);
  });

  it('a generator and tensors from it train a layer of this package', () => {
    // Before: "Linear: argument 'generator' must be a Generator".
    const lin = new Linear(2, 3, { generator: new cjsTensor.Generator(0) });
    const x = cjsTensor.tensor([[1, 2]]);
    const y = lin.forward(x);
    expect(y.shape).toEqual([1, 3]);
    backward(esmTensor.sum(y));
    expect(lin.weight.grad?.shape).toEqual([3, 2]);
    const d = new Dropout(0.5, { generator: new cjsTensor.Generator(1) });
    expect(d.forward(cjsTensor.ones([4])).shape).toEqual([4]);
  });

  it('shares the backend registry', () => {
    expect(cjsTensor.getBackend()).toBe(esmTensor.getBackend());
  });
});

describe('a second copy of @lacuna/layers', () => {
  it('modules and dropout layers from it pass instanceof Module / DropoutLayer here', async () => {
    vi.resetModules();
    const other = await import('./index.js');
    vi.resetModules();
    expect(other.Module).not.toBe(Module);
    const g = new esmTensor.Generator(0);
    const foreignLinear = new other.Linear(2, 2, { generator: g });
    const foreignDropout = new other.Dropout(0.5, { generator: g });
    expect(foreignLinear instanceof Module).toBe(true);
    expect(foreignDropout instanceof DropoutLayer).toBe(true);
    expect(foreignLinear instanceof DropoutLayer).toBe(false);
    // Before: "Sequential: argument '0' must be a Module".
    const net = new Sequential(foreignLinear, foreignDropout);
    expect(net.parameters()).toHaveLength(2);
    expect([...net.stateDict().keys()]).toEqual(['0.weight', '0.bias']);
    // Modes set and restored across the copies (saveModes read the children's private fields).
    const y = net.call(esmTensor.ones([1, 2]), { training: false });
    expect(y.shape).toEqual([1, 2]);
    expect(foreignDropout.training).toBe(true);
    net.eval();
    expect(foreignLinear.training).toBe(false);
    expect(new Linear(1, 1, { generator: g }) instanceof other.Module).toBe(true);
  });
});

describe('error classes keep their names in the built bundles', () => {
  it('ESM and CJS builds of @lacuna/tensor and @lacuna/autograd', async () => {
    const autogradEsm = await import('@lacuna/autograd');
    const autogradCjs = require('@lacuna/autograd') as typeof autogradEsm;
    for (const t of [esmTensor, cjsTensor]) {
      // Before: '_LacunaError' (esbuild renames a class whose name it has to rewrite).
      expect(new t.LacunaError('op', 'arg', 'bad').name).toBe('LacunaError');
      expect(String(new t.LacunaError('op', 'arg', 'bad'))).toBe(
        "LacunaError: op: argument 'arg' bad",
      );
      expect(new t.ShapeError('op', 'arg', 'bad').name).toBe('ShapeError');
      expect(new t.DTypeError('op', 'arg', 'bad').name).toBe('DTypeError');
      expect(new t.ArgumentRangeError('op', 'arg', 'bad').name).toBe('ArgumentRangeError');
      expect(t.LacunaError.name).toBe('LacunaError');
      expect(t.Tensor.name).toBe('Tensor');
      expect(t.Generator.name).toBe('Generator');
    }
    for (const a of [autogradEsm, autogradCjs]) {
      expect(new a.GradientError('op', 'arg', 'bad').name).toBe('GradientError');
    }
  });
});
