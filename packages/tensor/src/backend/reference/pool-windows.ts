import type { Conv2dGeometry } from '../backend.js';

// Geometry: input [C, H, W] per image, output position (oy, ox) reads input
// (oy·sh - ph + ky·dh, ox·sw - pw + kx·dw).

/** Calls `visit(outIndex, inIndex | -1)` for every window element of every output, in order. */
export function forEachWindow(
  g: Conv2dGeometry,
  start: (o: number) => void,
  visit: (o: number, i: number) => void,
  end: (o: number) => void,
): void {
  const { batch, channels, inH, inW, kH, kW, stride, padding, dilation, outH, outW } = g;
  const [sh, sw] = stride;
  const [ph, pw] = padding;
  const [dh, dw] = dilation;
  for (let nc = 0; nc < batch * channels; nc++) {
    const inBase = nc * inH * inW;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const o = (nc * outH + oy) * outW + ox;
        start(o);
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * sh - ph + ky * dh;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ox * sw - pw + kx * dw;
            visit(o, iy >= 0 && iy < inH && ix >= 0 && ix < inW ? inBase + iy * inW + ix : -1);
          }
        }
        end(o);
      }
    }
  }
}
