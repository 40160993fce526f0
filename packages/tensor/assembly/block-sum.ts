// What the sum-reducing KL kernels share: four float32 lanes added into a float64x2 accumulator,
// a block's total, the claiming of blocks by threads, and the loads and stores of a last group of
// 1–3 elements. A block is always summed in the same order, whichever thread runs it, so totals
// do not depend on the split.

/** float64 accumulation of f32x4 values, and the partial groups at the end of an array. */
export class BlockSum {
  /** acc + (v₀ + v₂, v₁ + v₃) in float64. */
  @inline static add(acc: v128, v: v128): v128 {
    const low = f64x2.promote_low_f32x4(v);
    const high = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    return f64x2.add(acc, f64x2.add(low, high));
  }

  /**
   * The next block to sum: b0 plus the shared counter's value, which this increments. Every thread
   * of a call claims blocks from the same counter, so one that runs ahead (the other's core busy
   * with other work) takes more of them instead of waiting; a block's sum and gradients do not
   * depend on which thread claimed it. Atomic where the module runs threaded.
   */
  @inline static claim(counter: usize, b0: i32): i32 {
    if (ASC_FEATURE_THREADS) return b0 + atomic.add<i32>(counter, 1);
    const b = load<i32>(counter);
    store<i32>(counter, b + 1);
    return b0 + b;
  }

  /** The accumulator's two lanes added. */
  @inline static total(acc: v128): f64 {
    return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  }

  /** All-ones lanes below `count` (1–3), zero lanes from it on. */
  @inline static lanesBelow(count: i32): v128 {
    return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(count));
  }

  /** `count` (1–3) floats from p into the low lanes, zeros above. */
  @inline static loadPartial(p: usize, count: i32): v128 {
    let v = f32x4.replace_lane(f32x4.splat(0), 0, load<f32>(p));
    if (count > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
    if (count > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
    return v;
  }

  /** The low `count` (1–3) lanes of v to p. */
  @inline static storePartial(p: usize, v: v128, count: i32): void {
    store<f32>(p, f32x4.extract_lane(v, 0));
    if (count > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
    if (count > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
  }
}
