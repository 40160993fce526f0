// The epilogue of the linear op, applied by gemm (matmul.ts) to each output tile right after its
// last k slab, while the tile is still in L1: y = drop(act(c + b[j])). One float32 add, one max
// and dropout's (v·keep)·scale per element, the operations of separate binary add, unary relu
// and dropout kernels, so the fused result has the bits of those ops run one after the other, in
// one pass over the output instead of four. Dropout draws element e's keep bit from counter e
// (its flat index in the whole output) as dropout.ts does, so the mask is the same bit for bit.
import { CounterHash } from './counter-hash';

/** What gemm applies to finished tiles (all off: no epilogue). */
export class Epilogue {
  /**
   * A full 4×8 tile at c (row stride ldc floats). `bias` points at the tile's first column's b
   * (0: none); `relu` takes max(·, 0); `keepThreshold` > 0 applies dropout with `scale` under key
   * (k0, k1), `counter` being the dropout counter of the tile's first element.
   */
  @inline static tile(
    c: usize,
    ldc: i32,
    bias: usize,
    relu: bool,
    keepThreshold: i32,
    scale: f32,
    k0: i32,
    k1: i32,
    counter: i32,
  ): void {
    const rs = (<usize>ldc) << 2;
    const zero = f32x4.splat(0);
    const thr = i32x4.splat(keepThreshold);
    const vs = f32x4.splat(scale);
    const vk0 = i32x4.splat(k0);
    const vk1 = i32x4.splat(k1);
    for (let r = 0; r < 4; r++) {
      const row = c + <usize>r * rs;
      let v0 = v128.load(row);
      let v1 = v128.load(row, 16);
      if (bias) {
        v0 = f32x4.add(v0, v128.load(bias));
        v1 = f32x4.add(v1, v128.load(bias, 16));
      }
      if (relu) {
        v0 = f32x4.max(v0, zero);
        v1 = f32x4.max(v1, zero);
      }
      if (keepThreshold) {
        const at = i32x4.add(i32x4.splat(counter + r * ldc), i32x4(0, 1, 2, 3));
        const keep0 = i32x4.shr_u(
          i32x4.sub(i32x4.shr_u(CounterHash.hash4(at, vk0, vk1), 8), thr),
          31,
        );
        const at4 = i32x4.add(at, i32x4.splat(4));
        const keep1 = i32x4.shr_u(
          i32x4.sub(i32x4.shr_u(CounterHash.hash4(at4, vk0, vk1), 8), thr),
          31,
        );
        v0 = f32x4.mul(f32x4.mul(v0, f32x4.convert_i32x4_s(keep0)), vs);
        v1 = f32x4.mul(f32x4.mul(v1, f32x4.convert_i32x4_s(keep1)), vs);
      }
      v128.store(row, v0);
      v128.store(row, v1, 16);
    }
  }

  /** Any rows × cols block at c (an edge tile, or the whole output when k = 0); as {@link tile}. */
  static block(
    c: usize,
    ldc: i32,
    rows: i32,
    cols: i32,
    bias: usize,
    relu: bool,
    keepThreshold: i32,
    scale: f32,
    k0: i32,
    k1: i32,
    counter: i32,
  ): void {
    for (let r = 0; r < rows; r++) {
      const row = c + ((<usize>(r * ldc)) << 2);
      for (let q = 0; q < cols; q++) {
        const at = row + ((<usize>q) << 2);
        let v = load<f32>(at);
        if (bias) v += load<f32>(bias + ((<usize>q) << 2));
        if (relu) v = max<f32>(v, 0);
        if (keepThreshold) {
          const bits = CounterHash.hash1(counter + r * ldc + q, k0, k1);
          const keep = ((bits >>> 8) - keepThreshold) >>> 31;
          v = v * <f32>keep * scale;
        }
        store<f32>(at, v);
      }
    }
  }
}
