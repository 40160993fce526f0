// Broadcasting add/sub/mul/div/maximum/minimum of float32 operands. Each result is one IEEE float32 operation on float32 inputs, which
// is exactly what the reference computes in float64 and rounds: the two backends agree bit for bit.

import {
  BINARY_ADD as ADD,
  LAYOUT_COLUMN as COLUMN,
  BINARY_DIV as DIV,
  LAYOUT_FULL as FULL,
  BINARY_MAXIMUM as MAXIMUM,
  BINARY_MINIMUM as MINIMUM,
  BINARY_MUL as MUL,
  LAYOUT_ROW as ROW,
  BINARY_SUB as SUB,
} from './codes';

/** Row loops of `binary`, one specialised copy per op and operand layout. */
class BinaryRows {
  @inline static apply4(op: i32, x: v128, y: v128): v128 {
    switch (op) {
      case ADD:
        return f32x4.add(x, y);
      case SUB:
        return f32x4.sub(x, y);
      case MUL:
        return f32x4.mul(x, y);
      case DIV:
        return f32x4.div(x, y);
      case MAXIMUM:
        return f32x4.max(x, y);
      default:
        return f32x4.min(x, y);
    }
  }

  @inline static apply1(op: i32, x: f32, y: f32): f32 {
    switch (op) {
      case ADD:
        return x + y;
      case SUB:
        return x - y;
      case MUL:
        return x * y;
      case DIV:
        return x / y;
      case MAXIMUM:
        return max(x, y);
      default:
        return min(x, y);
    }
  }

  // The row's start address of an operand in `mode` (its own row for FULL, the shared row for ROW,
  // the value for SCALAR and COLUMN).
  @inline static rowStart(p: usize, mode: i32, r: i32, cols: i32): usize {
    if (mode == FULL) return p + ((<usize>r * <usize>cols) << 2);
    if (mode == COLUMN) return p + ((<usize>r) << 2);
    return p;
  }

  // One row, with each operand either read along the row or held constant.
  @inline static row(
    op: i32,
    pa: usize,
    aVec: bool,
    pb: usize,
    bVec: bool,
    po: usize,
    cols: i32,
  ): void {
    const as = v128.load32_splat(pa);
    const bs = v128.load32_splat(pb);
    const c4 = cols & ~3;
    let j = 0;
    for (; j < c4; j += 4) {
      const off = (<usize>j) << 2;
      const x = aVec ? v128.load(pa + off) : as;
      const y = bVec ? v128.load(pb + off) : bs;
      v128.store(po + off, BinaryRows.apply4(op, x, y));
    }
    for (; j < cols; j++) {
      const off = (<usize>j) << 2;
      store<f32>(
        po + off,
        BinaryRows.apply1(op, load<f32>(aVec ? pa + off : pa), load<f32>(bVec ? pb + off : pb)),
      );
    }
  }

  @inline static rows(
    op: i32,
    a: usize,
    aMode: i32,
    b: usize,
    bMode: i32,
    out: usize,
    row0: i32,
    count: i32,
    cols: i32,
  ): void {
    const aVec = aMode == FULL || aMode == ROW;
    const bVec = bMode == FULL || bMode == ROW;
    for (let r = row0; r < row0 + count; r++) {
      BinaryRows.row(
        op,
        BinaryRows.rowStart(a, aMode, r, cols),
        aVec,
        BinaryRows.rowStart(b, bMode, r, cols),
        bVec,
        out + ((<usize>r * <usize>cols) << 2),
        cols,
      );
    }
  }
}

/**
 * out = a ∘ b over rows [row0, row0 + count) of a rows × cols output; `aMode`/`bMode` say how
 * each operand broadcasts (FULL 0, ROW 1, SCALAR 2, COLUMN 3). Ops: add 0, sub 1, mul 2, div 3,
 * maximum 4, minimum 5 (NaN-propagating, max(-0, +0) = +0, as Math.max).
 */
export function binary(
  op: i32,
  a: usize,
  aMode: i32,
  b: usize,
  bMode: i32,
  out: usize,
  row0: i32,
  count: i32,
  cols: i32,
): void {
  // One specialised loop per op, so the per-element switch folds away.
  switch (op) {
    case ADD:
      BinaryRows.rows(ADD, a, aMode, b, bMode, out, row0, count, cols);
      break;
    case SUB:
      BinaryRows.rows(SUB, a, aMode, b, bMode, out, row0, count, cols);
      break;
    case MUL:
      BinaryRows.rows(MUL, a, aMode, b, bMode, out, row0, count, cols);
      break;
    case DIV:
      BinaryRows.rows(DIV, a, aMode, b, bMode, out, row0, count, cols);
      break;
    case MAXIMUM:
      BinaryRows.rows(MAXIMUM, a, aMode, b, bMode, out, row0, count, cols);
      break;
    default:
      BinaryRows.rows(MINIMUM, a, aMode, b, bMode, out, row0, count, cols);
      break;
  }
}
