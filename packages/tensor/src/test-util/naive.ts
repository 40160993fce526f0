// Naive reference implementations the kernels are checked against: index arithmetic written the
// obvious way, in float64.

export function naiveMatmul(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
): number[] {
  const out = new Array<number>(m * n).fill(0);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) {
        const av = transA ? a[q * m + i]! : a[i * k + q]!;
        const bv = transB ? b[j * k + q]! : b[q * n + j]!;
        s += av * bv;
      }
      out[i * n + j] = s;
    }
  }
  return out;
}

/** Element of a row-major tensor at a multi-index, broadcasting size-1 and missing axes. */
export function broadcastGet(
  data: ArrayLike<number>,
  shape: readonly number[],
  index: readonly number[],
): number {
  let off = 0;
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const i = index[index.length - shape.length + d]!;
    off += (shape[d] === 1 ? 0 : i) * stride;
    stride *= shape[d]!;
  }
  return data[off]!;
}

export function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return idx;
}

export function closeTo(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol = 1e-4,
): boolean {
  if (actual.length !== expected.length) return false;
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i]!;
    if (Math.abs(actual[i]! - e) > tol * Math.max(1, Math.abs(e))) return false;
  }
  return true;
}
