// Average pooling over NCHW planes and its gradient (the window walk is pool-windows.ts), with
// float64 sums over the full window size as in the reference backend, bit for bit.
import { PoolWindows, WINDOW_AVERAGE, WINDOW_AVERAGE_BACKWARD } from './pool-windows';

/** Average pooling of planes [p0, p0 + count): the window's float64 sum over the full window size. */
export function avgPool2d(x: usize, out: usize, geo: usize, p0: i32, count: i32): void {
  PoolWindows.windows(WINDOW_AVERAGE, x, out, 0, geo, p0, count);
}

/** dx += grad / area spread over each window, for planes [p0, p0 + count) (dx is not zeroed here). */
export function avgPool2dBackward(grad: usize, dx: usize, geo: usize, p0: i32, count: i32): void {
  PoolWindows.windows(WINDOW_AVERAGE_BACKWARD, grad, dx, 0, geo, p0, count);
}
