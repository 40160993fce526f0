// input + a·b elementwise in float32 SIMD: the product rounded, then the sum, as binary mul then
// binary add would give. A last group of 1–3 elements goes through the same lane code (lane 0 of a
// splat), so an element gets the same bits wherever it sits, on any split across threads.

/** The per-lane math. */
class AddcmulLanes {
  /** input + a·b on four lanes. */
  @inline static of(input: v128, a: v128, b: v128): v128 {
    return f32x4.add(input, f32x4.mul(a, b));
  }
}

/** out[i] = input[i] + a[i]·b[i] for n floats. */
export function addcmul(input: usize, a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = (<usize>i) << 2;
    v128.store(
      out + off,
      AddcmulLanes.of(v128.load(input + off), v128.load(a + off), v128.load(b + off)),
    );
  }
  for (; i < n; i++) {
    const off = (<usize>i) << 2;
    const v = AddcmulLanes.of(
      f32x4.splat(load<f32>(input + off)),
      f32x4.splat(load<f32>(a + off)),
      f32x4.splat(load<f32>(b + off)),
    );
    store<f32>(out + off, f32x4.extract_lane(v, 0));
  }
}
