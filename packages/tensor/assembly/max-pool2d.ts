// Max pooling over NCHW planes (the window walk is pool-windows.ts): the first maximum wins, NaN
// wins, padding never wins, as in the reference backend, so the results match it bit for bit.
import { PoolWindows, WINDOW_MAX } from './pool-windows';

/** out/argmax for planes [p0, p0 + count): each window's maximum and its flat input index (-1 if all padding). */
export function maxPool2d(
  x: usize,
  out: usize,
  argmax: usize,
  geo: usize,
  p0: i32,
  count: i32,
): void {
  PoolWindows.windows(WINDOW_MAX, x, out, argmax, geo, p0, count);
}
