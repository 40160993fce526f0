import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as codes from '../../../assembly/codes.js';
import { GEOMETRY_FIELDS, geometryWords } from './geometry.js';
import { BINARY_OPS, REDUCE_OPS, UNARY_OPS } from './layout.js';

// The host (TypeScript) and the kernels (AssemblyScript) must agree on op codes, layout modes and
// the geometry block. Codes live in assembly/codes.ts, which both compile; the geometry block is
// an AssemblyScript class read in place, so its field order is checked here against the host's.

const assemblyDir = new URL('../../../assembly/', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, assemblyDir), 'utf8');

describe('codes shared by the host and the wasm kernels', () => {
  it('assembly/codes.ts holds only integer constants, the subset both languages read alike', () => {
    const statements = read('codes.ts')
      .split('\n')
      .filter((line) => line.trim() !== '' && !/^\s*(\/\/|\/\*\*|\*)/.test(line));
    for (const line of statements) expect(line).toMatch(/^export const [A-Z0-9_]+ = \d+;$/);
    expect(Object.keys(codes).length).toBe(statements.length);
  });

  it('no kernel file defines its own op or layout code: each imports them from codes.ts', () => {
    const names = Object.keys(codes).map((name) => name.replace(/^[A-Z]+_/, ''));
    const own = new RegExp(`^\\s*(export )?const (${names.join('|')}) =`, 'm');
    const files = readdirSync(assemblyDir).filter((f) => f.endsWith('.ts') && f !== 'codes.ts');
    for (const file of files) expect([file, own.test(read(file))]).toEqual([file, false]);
    for (const file of ['binary.ts', 'unary.ts', 'reduce.ts', 'masked-affine.ts'])
      expect(read(file)).toMatch(/from '\.\/codes'/);
  });

  it('each op name maps to its own code', () => {
    for (const table of [BINARY_OPS, UNARY_OPS, REDUCE_OPS]) {
      const values = Object.values(table);
      expect(new Set(values).size).toBe(values.length);
    }
    expect(BINARY_OPS.div).toBe(codes.BINARY_DIV);
    expect(UNARY_OPS.relu).toBe(codes.UNARY_RELU);
    expect(REDUCE_OPS.min).toBe(codes.REDUCE_MIN);
  });
});

describe('the conv / pooling geometry block', () => {
  it('the host writes its words in the order assembly/geometry.ts declares the fields', () => {
    const body = read('geometry.ts').split('export class Geometry {')[1]!;
    const fields = [...body.matchAll(/^\s+(\w+): i32;/gm)].map((m) => m[1]);
    expect(fields).toEqual([...GEOMETRY_FIELDS]);
  });

  it('geometryWords puts each field of a geometry in its word', () => {
    const words = geometryWords({
      batch: 99,
      channels: 1,
      inH: 2,
      inW: 3,
      kH: 4,
      kW: 5,
      stride: [6, 7],
      padding: [8, 9],
      dilation: [10, 11],
      outH: 12,
      outW: 13,
    });
    expect([...words]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });
});
