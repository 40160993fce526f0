// Elementwise unary ops of float32. neg/abs/relu/sqrt are one IEEE float32 operation on a float32
// input, which is exactly what the reference computes in float64 and rounds: bit for bit the
// same. exp/log/log1p/sigmoid/tanh are simd-math.ts's polynomials, within a few ulps of it.
import {
  UNARY_ABS as ABS,
  UNARY_EXP as EXP,
  UNARY_LOG as LOG,
  UNARY_LOG1P as LOG1P,
  UNARY_NEG as NEG,
  UNARY_RELU as RELU,
  UNARY_SIGMOID as SIGMOID,
  UNARY_SQRT as SQRT,
  UNARY_TANH as TANH,
} from './codes';
import { SimdMath } from './simd-math';

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
      case SQRT:
        return f32x4.sqrt(x);
      case EXP:
        return SimdMath.exp(x);
      case LOG:
        return SimdMath.log(x);
      case LOG1P:
        return SimdMath.log1p(x);
      case SIGMOID:
        return SimdMath.sigmoid(x);
      default:
        return SimdMath.tanh(x);
    }
  }

  @inline static unaryLoop(op: i32, x: usize, out: usize, n: i32): void {
    const n4 = n & ~3;
    let i = 0;
    for (; i < n4; i += 4) {
      const off = (<usize>i) << 2;
      v128.store(out + off, UnaryLanes.unary4(op, v128.load(x + off)));
    }
    // The tail through the same lane code (lane 0 of a splat), so every element of an array gets
    // the same bits wherever it sits.
    for (; i < n; i++) {
      const off = (<usize>i) << 2;
      store<f32>(
        out + off,
        f32x4.extract_lane(UnaryLanes.unary4(op, f32x4.splat(load<f32>(x + off))), 0),
      );
    }
  }
}

/**
 * out[i] = f(x[i]) for n floats; ops: neg 0, abs 1, relu 2 (max(x, 0)), sqrt 3, exp 4, log 5,
 * log1p 6, sigmoid 7, tanh 8.
 */
export function unary(op: i32, x: usize, out: usize, n: i32): void {
  // One loop per op, so each inlines its own lane code.
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
    case SQRT:
      UnaryLanes.unaryLoop(SQRT, x, out, n);
      break;
    case EXP:
      UnaryLanes.unaryLoop(EXP, x, out, n);
      break;
    case LOG:
      UnaryLanes.unaryLoop(LOG, x, out, n);
      break;
    case LOG1P:
      UnaryLanes.unaryLoop(LOG1P, x, out, n);
      break;
    case SIGMOID:
      UnaryLanes.unaryLoop(SIGMOID, x, out, n);
      break;
    default:
      UnaryLanes.unaryLoop(TANH, x, out, n);
      break;
  }
}
