// The epilogue of the linear op, applied by gemm (matmul.ts) to each output tile right after its
// last k slab, while the tile is still in L1: y = drop(act(c + b[j])). One float32 add, one max
// and dropout's (v·keep)·scale per element, the operations of separate binary add, unary relu
// and dropout kernels, so the fused result has the bits of those ops run one after the other, in
// one pass over the output instead of four. Dropout draws element e's keep bit from counter e
// (its flat index in the whole output) as dropout.ts does, so the mask is the same bit for bit.
import { CounterHash } from './counter-hash';

/**
 * What gemm applies to finished tiles, written by linear.ts into the calling thread's scratch
 * and read in place: gemm passes its address (0 for no epilogue) and each tile's position.
 */
@unmanaged
export class Epilogue {
  /** b[0] of this gemm's first column (0: no bias). */
  bias: usize;
  /** Take max(·, 0) when nonzero. */
  relu: i32;
  /** Dropout's threshold on the top 24 bits of the counter hash (0: no dropout). */
  keepThreshold: i32;
  /** Factor of kept elements. */
  scale: f32;
  /** The dropout key's low half. */
  k0: i32;
  /** The dropout key's high half. */
  k1: i32;
  /** The dropout counter of this gemm's element (0, 0). */
  first: i32;

  /** The full 4×8 tile at c (row stride ldc floats), at row i, column j of this gemm's output. */
  @inline static tile(ep: usize, c: usize, ldc: i32, i: i32, j: i32): void {
    const e = changetype<Epilogue>(ep);
    const bias = e.bias ? e.bias + ((<usize>j) << 2) : 0;
    const rs = (<usize>ldc) << 2;
    const zero = f32x4.splat(0);
    const thr = i32x4.splat(e.keepThreshold);
    const vs = f32x4.splat(e.scale);
    const vk0 = i32x4.splat(e.k0);
    const vk1 = i32x4.splat(e.k1);
    for (let r = 0; r < 4; r++) {
      const row = c + <usize>r * rs;
      let v0 = v128.load(row);
      let v1 = v128.load(row, 16);
      if (bias) {
        v0 = f32x4.add(v0, v128.load(bias));
        v1 = f32x4.add(v1, v128.load(bias, 16));
      }
      if (e.relu) {
        v0 = f32x4.max(v0, zero);
        v1 = f32x4.max(v1, zero);
      }
      if (e.keepThreshold) {
        const at = i32x4.add(i32x4.splat(e.first + (i + r) * ldc + j), i32x4(0, 1, 2, 3));
        const bits0 = i32x4.shr_u(CounterHash.hash4(at, vk0, vk1), 8);
        const bits1 = i32x4.shr_u(CounterHash.hash4(i32x4.add(at, i32x4.splat(4)), vk0, vk1), 8);
        const keep0 = f32x4.convert_i32x4_s(i32x4.shr_u(i32x4.sub(bits0, thr), 31));
        const keep1 = f32x4.convert_i32x4_s(i32x4.shr_u(i32x4.sub(bits1, thr), 31));
        v0 = f32x4.mul(f32x4.mul(v0, keep0), vs);
        v1 = f32x4.mul(f32x4.mul(v1, keep1), vs);
      }
      v128.store(row, v0);
      v128.store(row, v1, 16);
    }
  }

  /** Any rows × cols block at c, at row i, column j (an edge tile, or all of C when k = 0). */
  static block(ep: usize, c: usize, ldc: i32, rows: i32, cols: i32, i: i32, j: i32): void {
    const e = changetype<Epilogue>(ep);
    for (let r = 0; r < rows; r++) {
      const row = c + ((<usize>(r * ldc)) << 2);
      for (let q = 0; q < cols; q++) {
        const at = row + ((<usize>q) << 2);
        let v = load<f32>(at);
        if (e.bias) v += load<f32>(e.bias + ((<usize>(j + q)) << 2));
        if (e.relu) v = max<f32>(v, 0);
        if (e.keepThreshold) {
          const bits = CounterHash.hash1(e.first + (i + r) * ldc + j + q, e.k0, e.k1);
          v = v * <f32>(((bits >>> 8) - e.keepThreshold) >>> 31) * e.scale;
        }
        store<f32>(at, v);
      }
    }
  }
}
