import type { Conv2dGeometry } from '../backend.js';
import { type Dispatch, PARALLEL_MIN_ELEMENTS, split, type WasmContext } from './context.js';
import type { Share } from './threads.js';

/**
 * The planes (n, c) of a pooling geometry split across threads, each share made by `share(p0,
 * count)` for planes [p0, p0 + count); each plane's outputs stay whole on one thread.
 * @internal
 */
export function planeDispatch(
  ctx: WasmContext,
  g: Conv2dGeometry,
  share: (p0: number, count: number) => Share,
): Dispatch {
  const planes = g.batch * g.channels;
  const work = planes * g.outH * g.outW * g.kH * g.kW;
  const helpers = ctx.helpersFor(work, PARALLEL_MIN_ELEMENTS).slice(0, Math.max(0, planes - 1));
  const shares = split(planes, helpers.length + 1, 1).map(([p0, p1]) => share(p0, p1 - p0));
  return { shares, helpers };
}
