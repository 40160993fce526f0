import { describe, expect, it } from 'vitest';
import { broadcastLayout } from './layout.js';

describe('broadcastLayout', () => {
  it('lays out only the broadcasts its kernels cover', () => {
    expect(broadcastLayout([[4, 5], [5]], [4, 5])).toEqual({
      rows: 4,
      cols: 5,
      modes: [0, 1],
      repeats: [1, 1],
    });
    expect(
      broadcastLayout(
        [
          [4, 1],
          [4, 5],
        ],
        [4, 5],
      ),
    ).toEqual({ rows: 4, cols: 5, modes: [3, 0], repeats: [1, 1] });
    expect(broadcastLayout([[], [2, 3]], [2, 3])).toEqual({
      rows: 1,
      cols: 6,
      modes: [2, 0],
      repeats: [1, 1],
    });
    expect(
      broadcastLayout(
        [
          [2, 3, 4, 5],
          [2, 3, 1, 1],
        ],
        [2, 3, 4, 5],
      ),
    ).toEqual({ rows: 6, cols: 20, modes: [0, 3], repeats: [1, 1] });
    expect(broadcastLayout([[3, 1, 4]], [3, 5, 4])).toBeUndefined();
    expect(broadcastLayout([[3, 1, 4]], [3, 5, 4], true)).toEqual({
      rows: 15,
      cols: 4,
      modes: [4],
      repeats: [5],
    });
    expect(
      broadcastLayout(
        [
          [2, 1, 3],
          [1, 4, 1],
        ],
        [2, 4, 3],
      ),
    ).toBeUndefined();
  });
});
