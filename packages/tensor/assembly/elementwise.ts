// Elementwise float32 kernels. Each result is one IEEE float32 operation on float32 inputs, which
// is exactly what the reference computes in float64 and rounds: the two backends agree bit for bit.

/** How an operand of a binary op is laid over the rows × cols output. */
const FULL = 0; // rows × cols, like the output
const ROW = 1; // cols values, the same for every row (a bias)
const SCALAR = 2; // one value
const COLUMN = 3; // rows values, one per row (a keepdims reduction)
const GROUPED = 4; // a row of cols values shared by `repeat` consecutive rows (a middle-axis broadcast)

const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;
const MAXIMUM = 4;
const MINIMUM = 5;

@inline function apply4(op: i32, x: v128, y: v128): v128 {
  switch (op) {
    case ADD: return f32x4.add(x, y);
    case SUB: return f32x4.sub(x, y);
    case MUL: return f32x4.mul(x, y);
    case DIV: return f32x4.div(x, y);
    case MAXIMUM: return f32x4.max(x, y);
    default: return f32x4.min(x, y);
  }
}

@inline function apply1(op: i32, x: f32, y: f32): f32 {
  switch (op) {
    case ADD: return x + y;
    case SUB: return x - y;
    case MUL: return x * y;
    case DIV: return x / y;
    case MAXIMUM: return max(x, y);
    default: return min(x, y);
  }
}

// The row's start address of an operand in `mode` (its own row for FULL, the shared row for ROW,
// the value for SCALAR and COLUMN).
@inline function rowStart(p: usize, mode: i32, r: i32, cols: i32): usize {
  if (mode == FULL) return p + ((<usize>r * <usize>cols) << 2);
  if (mode == COLUMN) return p + ((<usize>r) << 2);
  return p;
}

// One row, with each operand either read along the row or held constant.
@inline function row(op: i32, pa: usize, aVec: bool, pb: usize, bVec: bool, po: usize, cols: i32): void {
  const as = v128.load32_splat(pa);
  const bs = v128.load32_splat(pb);
  const c4 = cols & ~3;
  let j = 0;
  for (; j < c4; j += 4) {
    const off = (<usize>j) << 2;
    const x = aVec ? v128.load(pa + off) : as;
    const y = bVec ? v128.load(pb + off) : bs;
    v128.store(po + off, apply4(op, x, y));
  }
  for (; j < cols; j++) {
    const off = (<usize>j) << 2;
    store<f32>(po + off, apply1(op, load<f32>(aVec ? pa + off : pa), load<f32>(bVec ? pb + off : pb)));
  }
}

@inline function rows(
  op: i32, a: usize, aMode: i32, b: usize, bMode: i32, out: usize, row0: i32, count: i32, cols: i32,
): void {
  const aVec = aMode == FULL || aMode == ROW;
  const bVec = bMode == FULL || bMode == ROW;
  for (let r = row0; r < row0 + count; r++) {
    row(op, rowStart(a, aMode, r, cols), aVec, rowStart(b, bMode, r, cols), bVec,
      out + ((<usize>r * <usize>cols) << 2), cols);
  }
}

/**
 * out = a ∘ b over rows [row0, row0 + count) of a rows × cols output; `aMode`/`bMode` say how
 * each operand broadcasts (FULL 0, ROW 1, SCALAR 2, COLUMN 3). Ops: add 0, sub 1, mul 2, div 3,
 * maximum 4, minimum 5 (NaN-propagating, max(-0, +0) = +0, as Math.max).
 */
export function binary(
  op: i32, a: usize, aMode: i32, b: usize, bMode: i32, out: usize, row0: i32, count: i32, cols: i32,
): void {
  // One specialised loop per op, so the per-element switch folds away.
  switch (op) {
    case ADD: rows(ADD, a, aMode, b, bMode, out, row0, count, cols); break;
    case SUB: rows(SUB, a, aMode, b, bMode, out, row0, count, cols); break;
    case MUL: rows(MUL, a, aMode, b, bMode, out, row0, count, cols); break;
    case DIV: rows(DIV, a, aMode, b, bMode, out, row0, count, cols); break;
    case MAXIMUM: rows(MAXIMUM, a, aMode, b, bMode, out, row0, count, cols); break;
    default: rows(MINIMUM, a, aMode, b, bMode, out, row0, count, cols); break;
  }
}

const NEG = 0;
const ABS = 1;
const RELU = 2;
const SQRT = 3;

@inline function unary4(op: i32, x: v128): v128 {
  switch (op) {
    case NEG: return f32x4.neg(x);
    case ABS: return f32x4.abs(x);
    case RELU: return f32x4.max(x, f32x4.splat(0));
    default: return f32x4.sqrt(x);
  }
}

@inline function unary1(op: i32, x: f32): f32 {
  switch (op) {
    case NEG: return -x;
    case ABS: return abs(x);
    case RELU: return max(x, 0);
    default: return sqrt(x);
  }
}

@inline function unaryLoop(op: i32, x: usize, out: usize, n: i32): void {
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const off = (<usize>i) << 2;
    v128.store(out + off, unary4(op, v128.load(x + off)));
  }
  for (; i < n; i++) {
    const off = (<usize>i) << 2;
    store<f32>(out + off, unary1(op, load<f32>(x + off)));
  }
}

/** out[i] = f(x[i]) for n floats; ops: neg 0, abs 1, relu 2 (max(x, 0)), sqrt 3. */
export function unary(op: i32, x: usize, out: usize, n: i32): void {
  switch (op) {
    case NEG: unaryLoop(NEG, x, out, n); break;
    case ABS: unaryLoop(ABS, x, out, n); break;
    case RELU: unaryLoop(RELU, x, out, n); break;
    default: unaryLoop(SQRT, x, out, n); break;
  }
}

// x·scale + shift for 4 floats, computed in float64 and rounded once, as the reference computes it.
@inline function affine4f64(x: v128, scale: v128, shift: v128): v128 {
  const lo = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(x), scale), shift);
  const hi = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(i8x16.shuffle(x, x, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7)), scale), shift);
  return i8x16.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
}

// out = mask ? x·scale + shift : x·0 + fill for 4 floats. The dropped lanes are x·0 + fill in
// float64 too (not the float32 fill), so a NaN or ±Infinity input stays NaN and the bits match the
// reference even for a fill that rounds to ±0. `keep` is an i32x4 lane mask (all ones where the
// mask byte is non-zero).
@inline function affine4(x: v128, keep: v128, scale: v128, shift: v128, fill: v128): v128 {
  return v128.bitselect(affine4f64(x, scale, shift), affine4f64(x, f64x2.splat(0), fill), keep);
}

/**
 * out[i] = m ? x[i]·scale + shift : x[i]·0 + fill over rows [row0, row0 + count) of rows × cols, where m
 * is the mask byte laid over the output in `mMode` (FULL 0, ROW 1, SCALAR 2, COLUMN 3, GROUPED 4
 * with `repeat` rows a mask row): the one
 * kernel behind shared-mask, alpha and block dropout. x and out are full rows × cols.
 */
export function maskedAffine(
  x: usize, mask: usize, mMode: i32, repeat: i32, out: usize, row0: i32, count: i32, cols: i32,
  scale: f64, shift: f64, fill: f64,
): void {
  const sc = f64x2.splat(scale);
  const sh = f64x2.splat(shift);
  const fv = f64x2.splat(fill);
  const c4 = cols & ~3;
  const perElement = mMode == FULL || mMode == ROW || mMode == GROUPED;
  for (let r = row0; r < row0 + count; r++) {
    const base = (<usize>r * <usize>cols) << 2;
    const px = x + base;
    const po = out + base;
    const pm = mMode == FULL
      ? mask + <usize>r * <usize>cols
      : mMode == GROUPED
        ? mask + <usize>(r / repeat) * <usize>cols
        : mMode == COLUMN ? mask + <usize>r : mask;
    const rowKeep = i32x4.splat(load<u8>(pm) != 0 ? -1 : 0);
    let j = 0;
    for (; j < c4; j += 4) {
      const keep = perElement
        ? i32x4.ne(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(pm + j))), i32x4.splat(0))
        : rowKeep;
      const off = (<usize>j) << 2;
      v128.store(po + off, affine4(v128.load(px + off), keep, sc, sh, fv));
    }
    for (; j < cols; j++) {
      const m = load<u8>(perElement ? pm + j : pm);
      const off = (<usize>j) << 2;
      const xv = load<f32>(px + off);
      store<f32>(po + off, <f32>(<f64>xv * (m != 0 ? scale : 0.0) + (m != 0 ? shift : fill)));
    }
  }
}
