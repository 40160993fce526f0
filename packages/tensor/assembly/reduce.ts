// Sum / max / min over the middle axis of x viewed as [outer, size, inner], accumulated in float64
// in k order, exactly as the reference backend does, so the two agree bit for bit. SIMD runs
// across independent outputs (two float64 lanes), never across the reduced axis.

import { REDUCE_MAX as MAX, REDUCE_MIN as MIN, REDUCE_SUM as SUM } from './codes';

// Inner elements accumulated at a time: 16 K float64 accumulators (128 KB) stay in L2.
const BLOCK = 16384;

/** Bytes of scratch `reduce` needs. */
export function reduceScratchBytes(): i32 {
  return BLOCK << 3;
}

/** Accumulators and loops of `reduce`. */
class Reduction {
  @inline static start(op: i32): f64 {
    return op == SUM ? 0 : op == MAX ? -Infinity : Infinity;
  }

  @inline static combine2(op: i32, acc: v128, v: v128): v128 {
    if (op == SUM) return f64x2.add(acc, v);
    if (op == MAX) return f64x2.max(acc, v);
    return f64x2.min(acc, v);
  }

  @inline static combine1(op: i32, acc: f64, v: f64): f64 {
    if (op == SUM) return acc + v;
    if (op == MAX) return max(acc, v);
    return min(acc, v);
  }

  // inner == 1: each output is one row's reduction; two rows share a pair of float64 lanes.
  @inline static reduceRows(op: i32, x: usize, out: usize, o0: i32, count: i32, size: i32): void {
    const s = Reduction.start(op);
    let o = o0;
    const end = o0 + count;
    for (; o + 1 < end; o += 2) {
      let acc = f64x2.splat(s);
      const p0 = x + ((<usize>o * <usize>size) << 2);
      const p1 = p0 + ((<usize>size) << 2);
      for (let k = 0; k < size; k++) {
        const off = (<usize>k) << 2;
        const v = f64x2.replace_lane(
          f64x2.splat(<f64>load<f32>(p0 + off)),
          1,
          <f64>load<f32>(p1 + off),
        );
        acc = Reduction.combine2(op, acc, v);
      }
      store<f32>(out + ((<usize>o) << 2), <f32>f64x2.extract_lane(acc, 0));
      store<f32>(out + ((<usize>(o + 1)) << 2), <f32>f64x2.extract_lane(acc, 1));
    }
    if (o < end) {
      let acc = s;
      const p = x + ((<usize>o * <usize>size) << 2);
      for (let k = 0; k < size; k++)
        acc = Reduction.combine1(op, acc, <f64>load<f32>(p + ((<usize>k) << 2)));
      store<f32>(out + ((<usize>o) << 2), <f32>acc);
    }
  }

  // inner > 1: accumulate whole rows of `inner` outputs, a block at a time.
  @inline static reduceColumns(
    op: i32,
    x: usize,
    out: usize,
    o0: i32,
    count: i32,
    size: i32,
    inner: i32,
    i0: i32,
    iCount: i32,
    acc: usize,
  ): void {
    const s = f64x2.splat(Reduction.start(op));
    for (let o = o0; o < o0 + count; o++) {
      for (let b = i0; b < i0 + iCount; b += BLOCK) {
        const width = min(BLOCK, i0 + iCount - b);
        const w2 = width & ~1;
        for (let i = 0; i < w2; i += 2) v128.store(acc + ((<usize>i) << 3), s);
        if (w2 < width) store<f64>(acc + ((<usize>w2) << 3), Reduction.start(op));
        for (let k = 0; k < size; k++) {
          const row = x + ((<usize>((o * size + k) * inner + b)) << 2);
          let i = 0;
          for (; i < w2; i += 2) {
            const a = acc + ((<usize>i) << 3);
            const v = f64x2.promote_low_f32x4(v128.load64_zero(row + ((<usize>i) << 2)));
            v128.store(a, Reduction.combine2(op, v128.load(a), v));
          }
          if (i < width) {
            const a = acc + ((<usize>i) << 3);
            store<f64>(
              a,
              Reduction.combine1(op, load<f64>(a), <f64>load<f32>(row + ((<usize>i) << 2))),
            );
          }
        }
        const dst = out + ((<usize>(o * inner + b)) << 2);
        for (let i = 0; i < width; i++)
          store<f32>(dst + ((<usize>i) << 2), <f32>load<f64>(acc + ((<usize>i) << 3)));
      }
    }
  }

  @inline static dispatch(
    op: i32,
    x: usize,
    out: usize,
    o0: i32,
    count: i32,
    size: i32,
    inner: i32,
    i0: i32,
    iCount: i32,
    acc: usize,
  ): void {
    if (inner == 1) Reduction.reduceRows(op, x, out, o0, count, size);
    else Reduction.reduceColumns(op, x, out, o0, count, size, inner, i0, iCount, acc);
  }
}

/**
 * Reduces x ([outer, size, inner]) over its middle axis into out ([outer, inner]) for outer rows
 * [o0, o0 + count) and inner columns [i0, i0 + iCount); op: sum 0, max 1, min 2 (NaN-propagating).
 * `acc` is reduceScratchBytes() of scratch.
 */
export function reduce(
  op: i32,
  x: usize,
  out: usize,
  o0: i32,
  count: i32,
  size: i32,
  inner: i32,
  i0: i32,
  iCount: i32,
  acc: usize,
): void {
  if (op == SUM) Reduction.dispatch(SUM, x, out, o0, count, size, inner, i0, iCount, acc);
  else if (op == MAX) Reduction.dispatch(MAX, x, out, o0, count, size, inner, i0, iCount, acc);
  else Reduction.dispatch(MIN, x, out, o0, count, size, inner, i0, iCount, acc);
}
