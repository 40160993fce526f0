// The epilogue of the linear op, applied by gemm (matmul.ts) to each output tile right after its
// last k slab, while the tile is still in L1: y = act(c + b[j]). One float32 add and one max per
// element, the operations of a separate binary add and unary relu, so the fused result has the
// bits of matmul, add and relu run one after the other, in one pass over the output instead of
// three.

/** What gemm applies to finished tiles: a bias (0 for none) and whether to take max(·, 0). */
export class Epilogue {
  /** A full 4×8 tile at c (row stride ldc floats); bias points at the tile's first column's b. */
  @inline static tile(c: usize, ldc: i32, bias: usize, relu: bool): void {
    const rs = (<usize>ldc) << 2;
    const zero = f32x4.splat(0);
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
      v128.store(row, v0);
      v128.store(row, v1, 16);
    }
  }

  /** Any rows × cols block at c (an edge tile, or the whole output when k = 0). */
  static block(c: usize, ldc: i32, rows: i32, cols: i32, bias: usize, relu: bool): void {
    for (let r = 0; r < rows; r++) {
      const row = c + ((<usize>(r * ldc)) << 2);
      for (let q = 0; q < cols; q++) {
        const at = row + ((<usize>q) << 2);
        let v = load<f32>(at);
        if (bias) v += load<f32>(bias + ((<usize>q) << 2));
        if (relu) v = max<f32>(v, 0);
        store<f32>(at, v);
      }
    }
  }
}
