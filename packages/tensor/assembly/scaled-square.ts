// exp(s)·x² elementwise (the variance weights α⊙θ² of the local reparameterisation) and both its
// gradients in one pass, in float32 SIMD with SimdMath's exp. The products are (e^s·x)·x, so
// x = 0 gives 0 in every output. A last group of 1–3 elements goes through the same lane code
// (lane 0 of a splat), so an element gets the same bits wherever it sits.
import { SimdMath } from './simd-math';

/** The per-lane math and the tail of the two kernels. */
class ScaledSquareLanes {
  /** e^s·x per lane: the factor both outputs and both gradients share. */
  @inline static scaled(x: v128, s: v128): v128 {
    return f32x4.mul(SimdMath.exp(s), x);
  }

  /** A lone element's e^s·x, through the lane code. */
  @inline static scaledOne(x: usize, s: usize, i: i32): f32 {
    const off = (<usize>i) << 2;
    const v = ScaledSquareLanes.scaled(
      f32x4.splat(load<f32>(x + off)),
      f32x4.splat(load<f32>(s + off)),
    );
    return f32x4.extract_lane(v, 0);
  }
}

/** out[i] = e^(logScale[i])·x[i]² for n floats. */
export function scaledSquare(x: usize, logScale: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = (<usize>i) << 2;
    const xv = v128.load(x + off);
    v128.store(out + off, f32x4.mul(ScaledSquareLanes.scaled(xv, v128.load(logScale + off)), xv));
  }
  for (; i < n; i++) {
    const off = (<usize>i) << 2;
    store<f32>(out + off, ScaledSquareLanes.scaledOne(x, logScale, i) * load<f32>(x + off));
  }
}

/** dx[i] = 2·(e^s·x)·grad and dLogScale[i] = ((e^s·x)·x)·grad for n floats, s = logScale[i]. */
export function scaledSquareBackward(
  x: usize,
  logScale: usize,
  grad: usize,
  dx: usize,
  dLogScale: usize,
  n: i32,
): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = (<usize>i) << 2;
    const xv = v128.load(x + off);
    const g = v128.load(grad + off);
    const scaled = ScaledSquareLanes.scaled(xv, v128.load(logScale + off));
    const twice = f32x4.add(scaled, scaled);
    v128.store(dx + off, f32x4.mul(twice, g));
    v128.store(dLogScale + off, f32x4.mul(f32x4.mul(scaled, xv), g));
  }
  for (; i < n; i++) {
    const off = (<usize>i) << 2;
    const v = load<f32>(x + off);
    const g = load<f32>(grad + off);
    const scaled = ScaledSquareLanes.scaledOne(x, logScale, i);
    store<f32>(dx + off, (scaled + scaled) * g);
    store<f32>(dLogScale + off, scaled * v * g);
  }
}
