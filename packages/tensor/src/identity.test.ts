import { describe, expect, it, vi } from 'vitest';
import { referenceBackend } from './backend/reference/index.js';
import { getBackend, getBackendInfo, setBackend } from './backend/registry.js';
import { LacunaError } from './errors.js';
import { createBrand, THIS_COPY, VersionConflictError } from './identity.js';
import { add } from './ops/binary.js';
import { ones, tensor } from './ops/creation.js';
import { uniform } from './ops/random.js';
import { Generator, isGenerator } from './random/generator.js';
import { willRecord, withoutRecording } from './record.js';
import { isTensor, Tensor } from './tensor.js';

/** A second, independent copy of the package (fresh module instances), as ESM + CJS gives. */
async function secondCopy(): Promise<typeof import('./index.js')> {
  vi.resetModules();
  const copy = await import('./index.js');
  vi.resetModules();
  return copy;
}

/** An object branded as `what` by another version of @lacuna/tensor. */
function foreign(key: string, version: string): object {
  const proto = {};
  createBrand(key, 'X', { name: '@lacuna/tensor', version, path: '/elsewhere/dist/index.js' }).mark(
    proto,
  );
  return Object.create(proto);
}

describe('identity across copies of @lacuna/tensor', () => {
  it('the branded prototypes themselves are not instances', () => {
    expect(Tensor.prototype instanceof Tensor).toBe(false);
    expect(isTensor(Tensor.prototype)).toBe(false);
    expect(Generator.prototype instanceof Generator).toBe(false);
    expect(isGenerator(Generator.prototype)).toBe(false);
  });

  it("a version error thrown by another copy is an instance of this copy's VersionConflictError", async () => {
    const other = await secondCopy();
    const copy = (version: string) => ({ name: '@lacuna/tensor', version, path: 'x' });
    const foreign = new other.VersionConflictError(
      'op',
      'a',
      'Tensor',
      copy('1.0.0'),
      copy('2.0.0'),
    );
    expect(foreign instanceof VersionConflictError).toBe(true);
    expect(foreign instanceof LacunaError).toBe(true);
    expect(new LacunaError('op', 'a', 'bad') instanceof VersionConflictError).toBe(false);
  });

  it('a second copy of the same version is a different module instance', async () => {
    const other = await secondCopy();
    expect(other.Tensor).not.toBe(Tensor);
    expect(other.Generator).not.toBe(Generator);
  });

  it('tensors and generators from the other copy pass instanceof, isTensor, isGenerator and ops', async () => {
    const other = await secondCopy();
    const t = other.tensor([1, 2, 3]);
    const g = new other.Generator(7);
    // Before: "add: argument 'a' must be a Tensor" and "uniform: argument 'generator' must be a Generator".
    expect(t instanceof Tensor).toBe(true);
    expect(isTensor(t)).toBe(true);
    expect(g instanceof Generator).toBe(true);
    expect(isGenerator(g)).toBe(true);
    expect(add(t, tensor([1, 1, 1])).toArray()).toEqual([2, 3, 4]);
    const a = uniform([4], { generator: g }).toArray();
    const b = uniform([4], { generator: new Generator(7) }).toArray();
    expect(a).toEqual(b);
    // And the other way round.
    expect(tensor([1]) instanceof other.Tensor).toBe(true);
    expect(other.isGenerator(new Generator(1))).toBe(true);
  });

  it('requiresGrad (a private field) works on a tensor of the other copy', async () => {
    const other = await secondCopy();
    const w = other.ones([2]);
    w.requiresGrad = true;
    expect(add(w, ones([2])).gradNode?.op).toBe('add');
  });

  it('the copies share one backend registry and one recording switch', async () => {
    const other = await secondCopy();
    expect(other.getBackend()).toBe(getBackend());
    const previous = other.setBackend(referenceBackend);
    try {
      expect(getBackend()).toBe(referenceBackend);
      expect(getBackendInfo().reason).toBe('chosen with setBackend');
    } finally {
      setBackend(previous);
    }
    expect(getBackend()).toBe(previous);
    const w = ones([1]);
    w.requiresGrad = true;
    expect(other.withoutRecording(() => willRecord([w]))).toBe(false);
    expect(withoutRecording(() => other.willRecord([w]))).toBe(false);
  });

  it('plain values are neither tensors nor generators', () => {
    for (const v of [
      null,
      undefined,
      1,
      'x',
      [1],
      {},
      { shape: [1], storage: new Float32Array(1) },
    ]) {
      expect(isTensor(v)).toBe(false);
      expect(isGenerator(v)).toBe(false);
      expect(v instanceof Tensor).toBe(false);
    }
    expect(isGenerator(tensor([1]))).toBe(false);
    expect(isTensor(new Generator(0))).toBe(false);
  });

  it('a subclass keeps the ordinary prototype check', () => {
    class Sub extends Tensor {}
    expect(tensor([1]) instanceof Sub).toBe(false);
    expect(new Sub(new Float32Array(1), [1]) instanceof Sub).toBe(true);
    expect(new Sub(new Float32Array(1), [1]) instanceof Tensor).toBe(true);
  });
});

describe('two different versions of @lacuna/tensor meet', () => {
  it('isTensor and instanceof throw a VersionConflictError naming both versions and paths', () => {
    const t = foreign('tensor.Tensor', '9.9.9');
    let error: unknown;
    try {
      isTensor(t);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VersionConflictError);
    expect(error).toBeInstanceOf(LacunaError);
    const e = error as VersionConflictError;
    expect(e.name).toBe('VersionConflictError');
    expect(e.theirs.version).toBe('9.9.9');
    expect(e.ours).toBe(THIS_COPY);
    expect(e.message).toMatch(
      /^isTensor: argument 'value' is a Tensor from @lacuna\/tensor 9\.9\.9 \(\/elsewhere\/dist\/index\.js\), but this code is @lacuna\/tensor \S+ \(.+identity\.ts\): two versions/,
    );
    expect(() => t instanceof Tensor).toThrow(VersionConflictError);
  });

  it('an op names its own op and argument in the error', () => {
    expect(() => add(foreign('tensor.Tensor', '0.0.1') as Tensor, tensor([1]))).toThrow(
      /^add: argument 'a' is a Tensor from @lacuna\/tensor 0\.0\.1/,
    );
    expect(() =>
      uniform([2], { generator: foreign('tensor.Generator', '0.0.1') as Generator }),
    ).toThrow(/^uniform: argument 'generator' is a Generator from @lacuna\/tensor 0\.0\.1/);
  });

  it('an object branded by the same version through another copy is accepted', () => {
    expect(isTensor(foreign('tensor.Tensor', THIS_COPY.version))).toBe(true);
  });
});
