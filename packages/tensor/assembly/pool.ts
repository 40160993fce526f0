// Max and average pooling over NCHW planes, in the reference backend's visiting order and with its
// arithmetic (float64 sums, the first maximum wins, NaN wins, padding never wins), so the results
// match it bit for bit. Geometry: the 13 words of conv.ts; planes are (n, c) pairs.

@inline function word(geo: usize, i: i32): i32 {
  return load<i32>(geo + ((<usize>i) << 2));
}

/** out/argmax for planes [p0, p0 + count): each window's maximum and its flat input index (-1 if all padding). */
export function maxPool2d(x: usize, out: usize, argmax: usize, geo: usize, p0: i32, count: i32): void {
  const inH = word(geo, 1), inW = word(geo, 2), kH = word(geo, 3), kW = word(geo, 4);
  const sh = word(geo, 5), sw = word(geo, 6), ph = word(geo, 7), pw = word(geo, 8);
  const dh = word(geo, 9), dw = word(geo, 10), outH = word(geo, 11), outW = word(geo, 12);
  for (let plane = p0; plane < p0 + count; plane++) {
    const inBase = plane * inH * inW;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        let best: f32 = -Infinity;
        let where = -1;
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * sh - ph + ky * dh;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ox * sw - pw + kx * dw;
            if (ix < 0 || ix >= inW) continue;
            const i = inBase + iy * inW + ix;
            const v = load<f32>(x + ((<usize>i) << 2));
            if (where < 0 || v > best || (isNaN(v) && !isNaN(best))) {
              best = v;
              where = i;
            }
          }
        }
        const o = (<usize>((plane * outH + oy) * outW + ox)) << 2;
        store<f32>(out + o, best);
        store<i32>(argmax + o, where);
      }
    }
  }
}

// Visits every window of planes [p0, p0 + count) in the reference's order; `backward` spreads
// grad/area onto dx, otherwise out = (float64 sum of the window) / area.
@inline function avgPool(x: usize, out: usize, geo: usize, p0: i32, count: i32, backward: bool): void {
  const inH = word(geo, 1), inW = word(geo, 2), kH = word(geo, 3), kW = word(geo, 4);
  const sh = word(geo, 5), sw = word(geo, 6), ph = word(geo, 7), pw = word(geo, 8);
  const dh = word(geo, 9), dw = word(geo, 10), outH = word(geo, 11), outW = word(geo, 12);
  const area = <f64>(kH * kW);
  for (let plane = p0; plane < p0 + count; plane++) {
    const inBase = plane * inH * inW;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const o = (<usize>((plane * outH + oy) * outW + ox)) << 2;
        const share = backward ? <f64>load<f32>(x + o) / area : 0;
        let sum: f64 = 0;
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * sh - ph + ky * dh;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ox * sw - pw + kx * dw;
            if (ix < 0 || ix >= inW) continue;
            const p = (<usize>(inBase + iy * inW + ix)) << 2;
            if (backward) store<f32>(out + p, <f32>(<f64>load<f32>(out + p) + share));
            else sum += <f64>load<f32>(x + p);
          }
        }
        if (!backward) store<f32>(out + o, <f32>(sum / area));
      }
    }
  }
}

/** Average pooling of planes [p0, p0 + count): the window's float64 sum over the full window size. */
export function avgPool2d(x: usize, out: usize, geo: usize, p0: i32, count: i32): void {
  avgPool(x, out, geo, p0, count, false);
}

/** dx += grad / area spread over each window, for planes [p0, p0 + count) (dx is not zeroed here). */
export function avgPool2dBackward(grad: usize, dx: usize, geo: usize, p0: i32, count: i32): void {
  avgPool(grad, dx, geo, p0, count, true);
}
