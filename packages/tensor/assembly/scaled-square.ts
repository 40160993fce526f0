// exp(s)·x² elementwise (the variance weights α⊙θ² of the local reparameterisation) in float32
// SIMD with SimdMath's exp, and its two gradients from what the forward pass saved. The products
// are (e^s·x)·x, so x = 0 gives 0 in every output. A forward's last group of 1–3 elements goes
// through the same lane code (lane 0 of a splat), so an element gets the same bits wherever it sits.
import { SimdMath } from './simd-math';

/** The per-lane math of the forward kernel. */
class ScaledSquareLanes {
  /** e^s·x per lane: the factor the output and both gradients share. */
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

/**
 * out[i] = e^(logScale[i])·x[i]² for n floats, and scaled[i] = e^(logScale[i])·x[i] (the
 * float32 factor of that product, which the gradients need) unless `scaled` is 0.
 */
export function scaledSquare(x: usize, logScale: usize, out: usize, scaled: usize, n: i32): void {
  // One compare per group against the exp's ~20 operations: no second copy of the loop.
  const keep = scaled != 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = (<usize>i) << 2;
    const xv = v128.load(x + off);
    const sx = ScaledSquareLanes.scaled(xv, v128.load(logScale + off));
    if (keep) v128.store(scaled + off, sx);
    v128.store(out + off, f32x4.mul(sx, xv));
  }
  for (; i < n; i++) {
    const off = (<usize>i) << 2;
    const sx = ScaledSquareLanes.scaledOne(x, logScale, i);
    if (keep) store<f32>(scaled + off, sx);
    store<f32>(out + off, sx * load<f32>(x + off));
  }
}

/**
 * dx[i] = (scaled + scaled)·grad and dLogScale[i] = out·grad for n floats, from the forward's
 * scaled = e^s·x and out = (e^s·x)·x: no exp, no parameter read. A nonzero `dxAddend` or
 * `dsAddend` is added to that gradient (one more float32 rounding) in the same pass.
 */
export function scaledSquareBackward(
  grad: usize,
  scaled: usize,
  out: usize,
  dx: usize,
  dLogScale: usize,
  dxAddend: usize,
  dsAddend: usize,
  n: i32,
): void {
  // Memory-bound: the two compares per group cost nothing next to the loads.
  const addDx = dxAddend != 0;
  const addDs = dsAddend != 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = (<usize>i) << 2;
    const g = v128.load(grad + off);
    const sx = v128.load(scaled + off);
    let gx = f32x4.mul(f32x4.add(sx, sx), g);
    let gs = f32x4.mul(v128.load(out + off), g);
    // The addend first, as binary's add(addend, gradient).
    if (addDx) gx = f32x4.add(v128.load(dxAddend + off), gx);
    if (addDs) gs = f32x4.add(v128.load(dsAddend + off), gs);
    v128.store(dx + off, gx);
    v128.store(dLogScale + off, gs);
  }
  for (; i < n; i++) {
    const off = (<usize>i) << 2;
    const g = load<f32>(grad + off);
    const sx = load<f32>(scaled + off);
    let gx: f32 = (sx + sx) * g;
    let gs: f32 = load<f32>(out + off) * g;
    if (addDx) gx = load<f32>(dxAddend + off) + gx;
    if (addDs) gs = load<f32>(dsAddend + off) + gs;
    store<f32>(dx + off, gx);
    store<f32>(dLogScale + off, gs);
  }
}
