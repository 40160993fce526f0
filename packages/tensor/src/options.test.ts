import { describe, expect, it } from 'vitest';
import { LacunaError } from './errors.js';
import {
  checkOptionKeys,
  closestName,
  describeValue,
  isPlainObject,
  optionBoolean,
  optionEnum,
} from './options.js';

describe('checkOptionKeys', () => {
  const known = ['lr', 'momentum', 'weightDecay', 'nesterov'];

  it('accepts known keys and undefined', () => {
    expect(() => checkOptionKeys('SGD', { lr: 0.1, weightDecay: 0 }, known)).not.toThrow();
    expect(() => checkOptionKeys('SGD', undefined, known)).not.toThrow();
    expect(() => checkOptionKeys('SGD', Object.create(null), known)).not.toThrow();
  });

  it('rejects an unknown key, naming it and suggesting the closest', () => {
    const call = () => checkOptionKeys('SGD', { lr: 0.1, weight_decay: 0.5 }, known);
    expect(call).toThrow(LacunaError);
    expect(call).toThrow(/SGD: argument 'options.weight_decay' .*did you mean 'weightDecay'\?/);
    expect(() => checkOptionKeys('SGD', { momentun: 0.9 }, known)).toThrow(
      /did you mean 'momentum'/,
    );
  });

  it('gives no suggestion when nothing is close', () => {
    expect(() => checkOptionKeys('SGD', { zzzzzzzz: 1 }, known)).toThrow(
      /is not a known option\. Known options: lr, momentum, weightDecay, nesterov/,
    );
  });

  it('rejects options that are not a plain object', () => {
    for (const bad of [null, 3, 'lr', [1], new Map()])
      expect(() => checkOptionKeys('SGD', bad, known)).toThrow(/must be an object of options/);
  });
});

describe('optionBoolean / optionEnum', () => {
  it('takes booleans and the default, rejects the string "false"', () => {
    expect(optionBoolean('Adam', 'amsgrad', undefined, false)).toBe(false);
    expect(optionBoolean('Adam', 'amsgrad', true, false)).toBe(true);
    expect(() => optionBoolean('Adam', 'amsgrad', 'false', false)).toThrow(
      /Adam: argument 'amsgrad' must be true or false, got "false" \(a string\)/,
    );
    expect(() => optionBoolean('Adam', 'amsgrad', 0, false)).toThrow(LacunaError);
  });

  it('takes listed strings and suggests the closest for a typo', () => {
    const allowed = ['inverted', 'classic'] as const;
    expect(optionEnum('dropout', 'scaling', undefined, allowed, 'inverted')).toBe('inverted');
    expect(optionEnum('dropout', 'scaling', 'classic', allowed, 'inverted')).toBe('classic');
    expect(() => optionEnum('dropout', 'scaling', 'clasic', allowed, 'inverted')).toThrow(
      /must be one of 'inverted', 'classic', got "clasic" \(a string\) \(did you mean 'classic'\?\)/,
    );
    expect(() => optionEnum('dropout', 'scaling', 1, allowed, 'inverted')).toThrow(LacunaError);
  });
});

describe('closestName', () => {
  it('matches case and separators first, then small edit distances, else nothing', () => {
    expect(closestName('label_smoothing', ['labelSmoothing', 'reduction'])).toBe('labelSmoothing');
    expect(closestName('ceilmode', ['ceilMode'])).toBe('ceilMode');
    expect(closestName('swep', ['compare', 'sweep'])).toBe('sweep');
    expect(closestName('frobnicate', ['compare', 'sweep'])).toBeUndefined();
  });
});

describe('describeValue and isPlainObject (public helpers for messages and state checks)', () => {
  it('describes values briefly, never by their own fake properties', () => {
    expect(describeValue(null)).toBe('null');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue([1, 2, 3])).toBe('an array of length 3');
    expect(describeValue('x'.repeat(50))).toBe(`"${'x'.repeat(40)}…" (a string)`);
    expect(describeValue(Number.NaN)).toBe('NaN (a number)');
    expect(describeValue(true)).toBe('true (a boolean)');
    expect(describeValue(() => 1)).toBe('a function');
    expect(describeValue(new Float32Array(2))).toBe('an object (Float32Array)');
    expect(describeValue(Object.create(null))).toBe('an object (no prototype)');
    // An own `constructor` key is data, not the type: it must not fake the description.
    expect(describeValue({ constructor: { name: 'Tensor' } })).toBe('an object (Object)');
  });

  it('isPlainObject accepts object literals and null-prototype objects only', () => {
    expect(isPlainObject({ a: 1 })).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
    expect(isPlainObject(JSON.parse('{"__proto__": 1}'))).toBe(true);
    for (const v of [null, undefined, [], new Map(), new Float32Array(1), 'a', 1, () => 1])
      expect(isPlainObject(v)).toBe(false);
  });
});
