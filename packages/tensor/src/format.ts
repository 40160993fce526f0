import type { DType, TypedArray } from './dtype.js';
import type { Shape } from './shape.js';

const SUMMARY_THRESHOLD = 1000;
const EDGE_ITEMS = 3;

function formatScalar(v: number, dtype: DType, floatDigits: number): string {
  if (dtype === 'bool') return v ? 'true' : 'false';
  if (dtype === 'int32') return String(v);
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return v.toFixed(floatDigits);
}

/** Prints a tensor like PyTorch: nested rows, aligned, summarised with `...` when large. @internal */
export function formatTensor(data: TypedArray, shape: Shape, dtype: DType): string {
  const summarise = data.length > SUMMARY_THRESHOLD;
  const values = Array.from(data);
  const finite = values.filter((v) => Number.isFinite(v));
  const maxAbs = finite.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const useExp = dtype === 'float32' && (maxAbs >= 1e8 || (maxAbs > 0 && maxAbs < 1e-4));
  const fmt = (v: number) =>
    useExp && Number.isFinite(v) ? v.toExponential(4) : formatScalar(v, dtype, 4);
  const width = values.reduce((w, v) => Math.max(w, fmt(v).length), 1);
  const pad = (s: string) => s.padStart(width, ' ');

  const strides: number[] = [];
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  const indices = (n: number) =>
    summarise && n > 2 * EDGE_ITEMS
      ? [
          ...Array.from({ length: EDGE_ITEMS }, (_, i) => i),
          -1,
          ...Array.from({ length: EDGE_ITEMS }, (_, i) => n - EDGE_ITEMS + i),
        ]
      : Array.from({ length: n }, (_, i) => i);

  const prefix = 'tensor(';
  const render = (dim: number, offset: number, indent: number): string => {
    if (dim === shape.length) return pad(fmt(data[offset]!));
    const parts = indices(shape[dim]!).map((i) =>
      i < 0 ? '...' : render(dim + 1, offset + i * strides[dim]!, indent + 1),
    );
    if (dim === shape.length - 1) return `[${parts.join(', ')}]`;
    const sep = `,${'\n'.repeat(shape.length - dim - 1)}${' '.repeat(indent + 1)}`;
    return `[${parts.join(sep)}]`;
  };
  const body = render(0, 0, prefix.length);
  return `${prefix}${body}, shape=[${shape.join(', ')}], dtype=${dtype})`;
}
