// Elementwise neg/abs/relu/sqrt of float32. Each result is one IEEE float32 operation on a float32
// input, which is exactly what the reference computes in float64 and rounds: bit for bit the same.
import {
  UNARY_ABS as ABS,
  UNARY_NEG as NEG,
  UNARY_RELU as RELU,
  UNARY_SQRT as SQRT,
} from './codes';

/** The per-lane ops and the loop of `unary`. */
class UnaryLanes {
  @inline static unary4(op: i32, x: v128): v128 {
    switch (op) {
      case NEG:
        return f32x4.neg(x);
      case ABS:
        return f32x4.abs(x);
      case RELU:
        return f32x4.max(x, f32x4.splat(0));
      default:
        return f32x4.sqrt(x);
    }
  }

  @inline static unary1(op: i32, x: f32): f32 {
    switch (op) {
      case NEG:
        return -x;
      case ABS:
        return abs(x);
      case RELU:
        return max(x, 0);
      default:
        return sqrt(x);
    }
  }

  @inline static unaryLoop(op: i32, x: usize, out: usize, n: i32): void {
    const n4 = n & ~3;
    let i = 0;
    for (; i < n4; i += 4) {
      const off = (<usize>i) << 2;
      v128.store(out + off, UnaryLanes.unary4(op, v128.load(x + off)));
    }
    for (; i < n; i++) {
      const off = (<usize>i) << 2;
      store<f32>(out + off, UnaryLanes.unary1(op, load<f32>(x + off)));
    }
  }
}

/** out[i] = f(x[i]) for n floats; ops: neg 0, abs 1, relu 2 (max(x, 0)), sqrt 3. */
export function unary(op: i32, x: usize, out: usize, n: i32): void {
  switch (op) {
    case NEG:
      UnaryLanes.unaryLoop(NEG, x, out, n);
      break;
    case ABS:
      UnaryLanes.unaryLoop(ABS, x, out, n);
      break;
    case RELU:
      UnaryLanes.unaryLoop(RELU, x, out, n);
      break;
    default:
      UnaryLanes.unaryLoop(SQRT, x, out, n);
      break;
  }
}
