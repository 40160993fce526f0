// The convolution / pooling geometry the host writes as 13 i32 words (GEOMETRY_FIELDS in
// src/backend/wasm/geometry.ts, in this field order; shared-codes.test.ts checks the two
// agree), read in place as named fields: no allocation, no magic offsets.
@unmanaged
export class Geometry {
  /** Input channels (per group for a convolution; planes per sample for pooling). */
  channels: i32;
  inH: i32;
  inW: i32;
  kH: i32;
  kW: i32;
  strideH: i32;
  strideW: i32;
  padH: i32;
  padW: i32;
  dilationH: i32;
  dilationW: i32;
  outH: i32;
  outW: i32;

  /** Rows of the unfolded matrix: channels · kH · kW. */
  @inline get ck(): i32 {
    return this.channels * this.kH * this.kW;
  }

  /** Output positions per plane: outH · outW. */
  @inline get plane(): i32 {
    return this.outH * this.outW;
  }

  /** Floats of one (group's) input image: channels · inH · inW. */
  @inline get image(): i32 {
    return this.channels * this.inH * this.inW;
  }
}
