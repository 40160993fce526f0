// The window walk of max and average pooling over NCHW planes, in the reference backend's visiting order and with its
// arithmetic (float64 sums, the first maximum wins, NaN wins, padding never wins), so the results
// match it bit for bit. `geo` points at the geometry words (geometry.ts); planes are (n, c) pairs.

import { Geometry } from './geometry';

/** What `windows` does with each window. */
export const WINDOW_MAX = 0;
export const WINDOW_AVERAGE = 1;
export const WINDOW_AVERAGE_BACKWARD = 2;

/** The window walk shared by max and average pooling. */
export class PoolWindows {
  // Visits every window of planes [p0, p0 + count) once, in the reference's order. WINDOW_MAX writes each
  // window's maximum to `out` and its flat input index (-1 if all padding) to `argmax`; WINDOW_AVERAGE
  // writes the window's float64 sum / area; WINDOW_AVERAGE_BACKWARD adds src[o] / area onto every input
  // of window o in `out`.
  @inline static windows(
    mode: i32,
    src: usize,
    out: usize,
    argmax: usize,
    geo: usize,
    p0: i32,
    count: i32,
  ): void {
    const g = changetype<Geometry>(geo);
    const inH = g.inH,
      inW = g.inW,
      kH = g.kH,
      kW = g.kW,
      outH = g.outH,
      outW = g.outW;
    const sh = g.strideH,
      sw = g.strideW,
      ph = g.padH,
      pw = g.padW,
      dh = g.dilationH,
      dw = g.dilationW;
    const area = <f64>(kH * kW);
    for (let plane = p0; plane < p0 + count; plane++) {
      const inBase = plane * inH * inW;
      for (let oy = 0; oy < outH; oy++) {
        for (let ox = 0; ox < outW; ox++) {
          const o = (<usize>((plane * outH + oy) * outW + ox)) << 2;
          const share = mode == WINDOW_AVERAGE_BACKWARD ? <f64>load<f32>(src + o) / area : 0;
          let sum: f64 = 0;
          let best: f32 = -Infinity;
          let where = -1;
          for (let ky = 0; ky < kH; ky++) {
            const iy = oy * sh - ph + ky * dh;
            if (iy < 0 || iy >= inH) continue;
            for (let kx = 0; kx < kW; kx++) {
              const ix = ox * sw - pw + kx * dw;
              if (ix < 0 || ix >= inW) continue;
              const i = inBase + iy * inW + ix;
              const p = (<usize>i) << 2;
              if (mode == WINDOW_MAX) {
                const v = load<f32>(src + p);
                if (where < 0 || v > best || (isNaN(v) && !isNaN(best))) {
                  best = v;
                  where = i;
                }
              } else if (mode == WINDOW_AVERAGE) {
                sum += <f64>load<f32>(src + p);
              } else {
                store<f32>(out + p, <f32>(<f64>load<f32>(out + p) + share));
              }
            }
          }
          if (mode == WINDOW_MAX) {
            store<f32>(out + o, best);
            store<i32>(argmax + o, where);
          } else if (mode == WINDOW_AVERAGE) {
            store<f32>(out + o, <f32>(sum / area));
          }
        }
      }
    }
  }
}
