// The masked affine kernel behind shared-mask, alpha and block dropout, in float64 as the
// reference computes it, so the two backends agree bit for bit.
import {
  LAYOUT_COLUMN as COLUMN,
  LAYOUT_FULL as FULL,
  LAYOUT_GROUPED as GROUPED,
  LAYOUT_ROW as ROW,
} from './codes';

/** x·scale + shift in float64, four floats at a time. */
class Affine {
  // x·scale + shift for 4 floats, computed in float64 and rounded once, as the reference computes it.
  @inline static affine4f64(x: v128, scale: v128, shift: v128): v128 {
    const lo = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(x), scale), shift);
    const hi = f64x2.add(
      f64x2.mul(
        f64x2.promote_low_f32x4(
          i8x16.shuffle(x, x, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7),
        ),
        scale,
      ),
      shift,
    );
    return i8x16.shuffle(
      f32x4.demote_f64x2_zero(lo),
      f32x4.demote_f64x2_zero(hi),
      0,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      16,
      17,
      18,
      19,
      20,
      21,
      22,
      23,
    );
  }

  // out = mask ? x·scale + shift : x·0 + fill for 4 floats. The dropped lanes are x·0 + fill in
  // float64 too (not the float32 fill), so a NaN or ±Infinity input stays NaN and the bits match the
  // reference even for a fill that rounds to ±0. `keep` is an i32x4 lane mask (all ones where the
  // mask byte is non-zero).
  @inline static affine4(x: v128, keep: v128, scale: v128, shift: v128, fill: v128): v128 {
    return v128.bitselect(
      Affine.affine4f64(x, scale, shift),
      Affine.affine4f64(x, f64x2.splat(0), fill),
      keep,
    );
  }
}

/**
 * out[i] = m ? x[i]·scale + shift : x[i]·0 + fill over rows [row0, row0 + count) of rows × cols, where m
 * is the mask byte laid over the output in `maskMode` (FULL 0, ROW 1, SCALAR 2, COLUMN 3, GROUPED 4
 * with `repeat` rows a mask row): the one
 * kernel behind shared-mask, alpha and block dropout. x and out are full rows × cols.
 */
export function maskedAffine(
  x: usize,
  mask: usize,
  maskMode: i32,
  repeat: i32,
  out: usize,
  row0: i32,
  count: i32,
  cols: i32,
  scale: f64,
  shift: f64,
  fill: f64,
): void {
  const sc = f64x2.splat(scale);
  const sh = f64x2.splat(shift);
  const fv = f64x2.splat(fill);
  const c4 = cols & ~3;
  const perElement = maskMode == FULL || maskMode == ROW || maskMode == GROUPED;
  for (let r = row0; r < row0 + count; r++) {
    const base = (<usize>r * <usize>cols) << 2;
    const px = x + base;
    const po = out + base;
    const pm =
      maskMode == FULL
        ? mask + <usize>r * <usize>cols
        : maskMode == GROUPED
          ? mask + <usize>(r / repeat) * <usize>cols
          : maskMode == COLUMN
            ? mask + <usize>r
            : mask;
    const rowKeep = i32x4.splat(load<u8>(pm) != 0 ? -1 : 0);
    let j = 0;
    for (; j < c4; j += 4) {
      const keep = perElement
        ? i32x4.ne(
            i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(pm + j))),
            i32x4.splat(0),
          )
        : rowKeep;
      const off = (<usize>j) << 2;
      v128.store(po + off, Affine.affine4(v128.load(px + off), keep, sc, sh, fv));
    }
    for (; j < cols; j++) {
      const m = load<u8>(perElement ? pm + j : pm);
      const off = (<usize>j) << 2;
      const xv = load<f32>(px + off);
      store<f32>(po + off, <f32>(<f64>xv * (m != 0 ? scale : 0.0) + (m != 0 ? shift : fill)));
    }
  }
}
