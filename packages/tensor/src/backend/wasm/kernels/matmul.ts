import type { Backend, MatmulParams } from '../../backend.js';
import { referenceBackend } from '../../reference/index.js';
import { argList, PARALLEL_MIN_MACS, split, type WasmContext } from '../context.js';

// The micro-tile of assembly/matmul.ts: splits fall on tile boundaries.
const MR = 4;
const NR = 8;

/**
 * The arguments of assembly/matmul.ts, in its order:
 * `matmul(batch: i32, a: usize, strideA: i32, lda: i32, transA: i32, b: usize, strideB: i32,
 *   ldb: i32, transB: i32, c: usize, strideC: i32, ldc: i32, addend: usize, m: i32, n: i32, k: i32,
 *   scratch: usize)`.
 * Pointers are byte offsets (addend 0 for none; it has C's layout); strides and leading dimensions
 * are in floats.
 * @internal
 */
export const matmulArgs = argList(
  'matmul',
  [
    'batch',
    'a',
    'strideA',
    'lda',
    'transA',
    'b',
    'strideB',
    'ldb',
    'transB',
    'c',
    'strideC',
    'ldc',
    'addend',
    'm',
    'n',
    'k',
    'scratch',
  ],
  (v) => [
    v.batch,
    v.a,
    v.strideA,
    v.lda,
    v.transA,
    v.b,
    v.strideB,
    v.ldb,
    v.transB,
    v.c,
    v.strideC,
    v.ldc,
    v.addend,
    v.m,
    v.n,
    v.k,
    v.scratch,
  ],
);

/**
 * One thread's piece of a product: `count` products from float offsets aOff/bOff/cOff of A, B
 * and C, `rows` × `cols` of each. @internal
 */
export type ProductPiece = [
  count: number,
  aOff: number,
  bOff: number,
  cOff: number,
  rows: number,
  cols: number,
];

/**
 * Splits a product across `parts` threads: whole products when there are enough, else the larger
 * of rows and columns in tile multiples, so each output element is computed the same way
 * anywhere. @internal
 */
export function productPieces(p: MatmulParams, parts: number): ProductPiece[] {
  const { batch, m, n, k, transA, transB } = p;
  if (batch >= parts) {
    return split(batch, parts, 1).map(([b0, b1]) => [
      b1 - b0,
      b0 * m * k,
      b0 * k * n,
      b0 * m * n,
      m,
      n,
    ]);
  }
  return n / NR >= m / MR
    ? split(n, parts, NR).map(([j0, j1]) => [batch, 0, transB ? j0 * k : j0, j0, m, j1 - j0])
    : split(m, parts, MR).map(([i0, i1]) => [batch, transA ? i0 : i0 * k, 0, i0 * n, i1 - i0, n]);
}

/**
 * The wasm `matmul` kernel: a packed GEMM, split across threads by products, columns or rows; an
 * addend is added to each output tile as the micro-kernel stores it (assembly/micro-kernel.ts).
 * @internal
 */
export function wasmMatmul(ctx: WasmContext): Backend['matmul'] {
  return (a, b, out, p: MatmulParams, addend = null) => {
    const { batch, m, n, k, transA, transB } = p;
    if (out.length === 0) return;
    const lda = transA ? m : k;
    const ldb = transB ? k : n;
    const [strideA, strideB, strideC] = [m * k, k * n, m * n];
    ctx.run(
      {
        kernel: 'matmul',
        inputs: addend ? [a, b, addend] : [a, b],
        outputs: [out],
        dispatch({ inputs: [aAt, bAt, dAt], outputs: [cAt] }) {
          const helpers = ctx.helpersFor(batch * m * n * k, PARALLEL_MIN_MACS);
          const pieces = productPieces(p, helpers.length + 1);
          const shares = pieces.map(([count, aOff, bOff, cOff, rows, cols], t) =>
            matmulArgs.build({
              batch: count,
              a: aAt! + aOff * 4,
              strideA,
              lda,
              transA: +transA,
              b: bAt! + bOff * 4,
              strideB,
              ldb,
              transB: +transB,
              c: cAt! + cOff * 4,
              strideC,
              ldc: n,
              addend: addend ? dAt! + cOff * 4 : 0,
              m: rows,
              n: cols,
              k,
              scratch: ctx.scratch(t),
            }),
          );
          return { shares, helpers };
        },
      },
      () => referenceBackend.matmul(a, b, out, p, addend), // operands too big for the wasm memory
    );
  };
}
