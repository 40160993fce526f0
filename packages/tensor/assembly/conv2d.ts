// 2-D convolution over NCHW images as im2col + GEMM, entirely inside wasm memory: each image is
// unfolded into a per-thread column buffer and multiplied there, with no copy back to JavaScript.
// `geo` points at the 13 geometry words (see geometry.ts).

import { Geometry } from './geometry';
import { gemm } from './matmul';

// Rows [r0, r1) of im2col(x) (row r = (c, ky, kx), outH·outW columns) into `cols`, compactly.
function im2colRows(x: usize, geo: usize, r0: i32, r1: i32, cols: usize): void {
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
  const plane = g.plane;
  for (let r = r0; r < r1; r++) {
    const kx = r % kW;
    const ky = (r / kW) % kH;
    const c = r / (kW * kH);
    const row = cols + ((<usize>(r - r0) * <usize>plane) << 2);
    for (let oy = 0; oy < outH; oy++) {
      const iy = oy * sh - ph + ky * dh;
      const o = row + ((<usize>(oy * outW)) << 2);
      if (iy < 0 || iy >= inH) {
        memory.fill(o, 0, (<usize>outW) << 2);
        continue;
      }
      const src = x + ((<usize>((c * inH + iy) * inW)) << 2);
      const x0 = kx * dw - pw;
      if (sw == 1) {
        // Unit stride: zeros where the window hangs over the padding, one copy for the rest.
        const lo = min(outW, max(0, -x0));
        const hi = max(lo, min(outW, inW - x0));
        memory.fill(o, 0, (<usize>lo) << 2);
        memory.copy(
          o + ((<usize>lo) << 2),
          src + ((<usize>(x0 + lo)) << 2),
          (<usize>(hi - lo)) << 2,
        );
        memory.fill(o + ((<usize>hi) << 2), 0, (<usize>(outW - hi)) << 2);
        continue;
      }
      for (let ox = 0; ox < outW; ox++) {
        const ix = ox * sw + x0;
        store<f32>(
          o + ((<usize>ox) << 2),
          ix >= 0 && ix < inW ? load<f32>(src + ((<usize>ix) << 2)) : 0,
        );
      }
    }
  }
}

// dx (one image, zeroed here) = col2im(cols): every column entry added back onto its pixel.
function col2im(cols: usize, geo: usize, dx: usize): void {
  const g = changetype<Geometry>(geo);
  const channels = g.channels,
    inH = g.inH,
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
  const plane = g.plane;
  memory.fill(dx, 0, (<usize>(channels * inH * inW)) << 2);
  for (let c = 0; c < channels; c++) {
    for (let ky = 0; ky < kH; ky++) {
      for (let kx = 0; kx < kW; kx++) {
        const row = cols + ((<usize>(((c * kH + ky) * kW + kx) * plane)) << 2);
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * sh - ph + ky * dh;
          if (iy < 0 || iy >= inH) continue;
          const dst = dx + ((<usize>((c * inH + iy) * inW)) << 2);
          const o = row + ((<usize>(oy * outW)) << 2);
          if (sw == 1) {
            // Unit stride: the valid outputs map onto adjacent pixels, added four at a time.
            const x0 = kx * dw - pw;
            const lo = min(outW, max(0, -x0));
            const hi = max(lo, min(outW, inW - x0));
            let ox = lo;
            for (; ox + 4 <= hi; ox += 4) {
              const p = dst + ((<usize>(ox + x0)) << 2);
              v128.store(p, f32x4.add(v128.load(p), v128.load(o + ((<usize>ox) << 2))));
            }
            for (; ox < hi; ox++) {
              const p = dst + ((<usize>(ox + x0)) << 2);
              store<f32>(p, load<f32>(p) + load<f32>(o + ((<usize>ox) << 2)));
            }
            continue;
          }
          for (let ox = 0; ox < outW; ox++) {
            const ix = ox * sw - pw + kx * dw;
            if (ix >= 0 && ix < inW) {
              const p = dst + ((<usize>ix) << 2);
              store<f32>(p, load<f32>(p) + load<f32>(o + ((<usize>ox) << 2)));
            }
          }
        }
      }
    }
  }
}

/**
 * out[n, o] = W_g[o] · im2col(x[n, g]) for images [n0, n0 + count), the columns gathered while
 * packing (`_cols` is unused: the forward pass needs no column buffer).
 */
export function conv2d(
  x: usize,
  w: usize,
  out: usize,
  geo: usize,
  groups: i32,
  og: i32,
  n0: i32,
  count: i32,
  _cols: usize, // the forward pass gathers its columns while packing
  scratch: usize,
): void {
  const g = changetype<Geometry>(geo);
  const ck = g.ck,
    plane = g.plane,
    image = g.image;
  for (let n = n0; n < n0 + count; n++) {
    for (let gi = 0; gi < groups; gi++) {
      const img = x + ((<usize>((n * groups + gi) * image)) << 2);
      const o = out + ((<usize>((n * groups + gi) * og * plane)) << 2);
      gemm(
        w + ((<usize>(gi * og * ck)) << 2),
        ck,
        false,
        img,
        plane,
        false,
        o,
        plane,
        og,
        plane,
        ck,
        scratch,
        false,
        geo,
      );
    }
  }
}

/** dx[n, g] = col2im(W_gᵀ · dy[n, g]) for images [n0, n0 + count); `cols` holds ck × plane floats. */
export function conv2dBackwardInput(
  dy: usize,
  w: usize,
  dx: usize,
  geo: usize,
  groups: i32,
  og: i32,
  n0: i32,
  count: i32,
  cols: usize,
  scratch: usize,
): void {
  const g = changetype<Geometry>(geo);
  const ck = g.ck,
    plane = g.plane,
    image = g.image;
  for (let n = n0; n < n0 + count; n++) {
    for (let gi = 0; gi < groups; gi++) {
      const g = dy + ((<usize>((n * groups + gi) * og * plane)) << 2);
      gemm(
        w + ((<usize>(gi * og * ck)) << 2),
        ck,
        true,
        g,
        plane,
        false,
        cols,
        plane,
        ck,
        plane,
        og,
        scratch,
      );
      col2im(cols, geo, dx + ((<usize>((n * groups + gi) * image)) << 2));
    }
  }
}

/**
 * Columns [c0, c1) of dW_g = Σ_n dy[n, g] · im2col(x[n, g])ᵀ for every group, summed over all
 * `batch` images in order (dW rows are ck floats apart); `cols` holds (c1 - c0) × plane floats.
 * Splitting columns across threads leaves each element's summation order unchanged.
 */
export function conv2dBackwardWeight(
  x: usize,
  dy: usize,
  dw: usize,
  geo: usize,
  groups: i32,
  og: i32,
  batch: i32,
  c0: i32,
  c1: i32,
  cols: usize,
  scratch: usize,
): void {
  const g = changetype<Geometry>(geo);
  const ck = g.ck,
    plane = g.plane,
    image = g.image;
  for (let gi = 0; gi < groups; gi++) {
    const dst = dw + ((<usize>(gi * og * ck + c0)) << 2);
    for (let n = 0; n < batch; n++) {
      im2colRows(x + ((<usize>((n * groups + gi) * image)) << 2), geo, c0, c1, cols);
      const g = dy + ((<usize>((n * groups + gi) * og * plane)) << 2);
      gemm(g, plane, false, cols, plane, true, dst, ck, og, c1 - c0, plane, scratch, n > 0);
    }
  }
}
