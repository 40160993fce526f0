import type { Conv2dGeometry, Conv2dParams } from '../backend.js';
import { convSizes } from '../conv-sizes.js';
import { matmul } from './matmul.js';

// im2col / col2im for one image. Geometry: input [C, H, W] per image, output position (oy, ox)
// reads input (oy·sh - ph + ky·dh, ox·sw - pw + kx·dw).

function im2col(x: Float32Array, g: Conv2dGeometry, cols: Float32Array): void {
  const { channels, inH, inW, kH, kW, stride, padding, dilation, outH, outW } = g;
  const [sh, sw] = stride;
  const [ph, pw] = padding;
  const [dh, dw] = dilation;
  const plane = outH * outW;
  for (let c = 0; c < channels; c++) {
    for (let ky = 0; ky < kH; ky++) {
      for (let kx = 0; kx < kW; kx++) {
        const row = ((c * kH + ky) * kW + kx) * plane;
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * sh - ph + ky * dh;
          const o = row + oy * outW;
          if (iy < 0 || iy >= inH) {
            cols.fill(0, o, o + outW);
            continue;
          }
          const src = (c * inH + iy) * inW;
          for (let ox = 0; ox < outW; ox++) {
            const ix = ox * sw - pw + kx * dw;
            cols[o + ox] = ix >= 0 && ix < inW ? x[src + ix]! : 0;
          }
        }
      }
    }
  }
}

function col2im(cols: Float32Array, g: Conv2dGeometry, dx: Float32Array): void {
  const { channels, inH, inW, kH, kW, stride, padding, dilation, outH, outW } = g;
  const [sh, sw] = stride;
  const [ph, pw] = padding;
  const [dh, dw] = dilation;
  const plane = outH * outW;
  for (let c = 0; c < channels; c++) {
    for (let ky = 0; ky < kH; ky++) {
      for (let kx = 0; kx < kW; kx++) {
        const row = ((c * kH + ky) * kW + kx) * plane;
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * sh - ph + ky * dh;
          if (iy < 0 || iy >= inH) continue;
          const dst = (c * inH + iy) * inW;
          const o = row + oy * outW;
          for (let ox = 0; ox < outW; ox++) {
            const ix = ox * sw - pw + kx * dw;
            if (ix >= 0 && ix < inW) dx[dst + ix]! += cols[o + ox]!;
          }
        }
      }
    }
  }
}

export function conv2d(
  x: Float32Array,
  weight: Float32Array,
  p: Conv2dParams,
  out: Float32Array,
): void {
  const { groups, outChannels } = p;
  const { g, plane, ck, og, image } = convSizes(p);
  const cols = new Float32Array(ck * plane);
  for (let n = 0; n < g.batch; n++) {
    for (let gi = 0; gi < groups; gi++) {
      const start = (n * groups + gi) * image;
      im2col(x.subarray(start, start + image), g, cols);
      const o = (n * outChannels + gi * og) * plane;
      matmul(
        weight.subarray(gi * og * ck, (gi + 1) * og * ck),
        cols,
        out.subarray(o, o + og * plane),
        {
          batch: 1,
          m: og,
          n: plane,
          k: ck,
          transA: false,
          transB: false,
        },
      );
    }
  }
}

export function conv2dBackwardInput(
  grad: Float32Array,
  weight: Float32Array,
  p: Conv2dParams,
  dx: Float32Array,
): void {
  const { groups, outChannels } = p;
  const { g, plane, ck, og, image } = convSizes(p);
  const dcols = new Float32Array(ck * plane);
  dx.fill(0);
  for (let n = 0; n < g.batch; n++) {
    for (let gi = 0; gi < groups; gi++) {
      const o = (n * outChannels + gi * og) * plane;
      matmul(
        weight.subarray(gi * og * ck, (gi + 1) * og * ck),
        grad.subarray(o, o + og * plane),
        dcols,
        {
          batch: 1,
          m: ck,
          n: plane,
          k: og,
          transA: true,
          transB: false,
        },
      );
      const start = (n * groups + gi) * image;
      col2im(dcols, g, dx.subarray(start, start + image));
    }
  }
}

export function conv2dBackwardWeight(
  x: Float32Array,
  grad: Float32Array,
  p: Conv2dParams,
  dw: Float32Array,
): void {
  const { groups, outChannels } = p;
  const { g, plane, ck, og, image } = convSizes(p);
  const partial = new Float32Array(og * ck);
  const cols = new Float32Array(ck * plane);
  dw.fill(0);
  for (let n = 0; n < g.batch; n++) {
    for (let gi = 0; gi < groups; gi++) {
      const start = (n * groups + gi) * image;
      im2col(x.subarray(start, start + image), g, cols);
      const o = (n * outChannels + gi * og) * plane;
      matmul(grad.subarray(o, o + og * plane), cols, partial, {
        batch: 1,
        m: og,
        n: ck,
        k: plane,
        transA: false,
        transB: true,
      });
      const base = gi * og * ck;
      for (let i = 0; i < partial.length; i++) dw[base + i]! += partial[i]!;
    }
  }
}
