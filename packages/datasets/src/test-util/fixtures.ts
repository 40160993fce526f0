import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** An IDX file: type code, dimensions, then the element bytes as given (big-endian already). */
export function idxBytes(dims: number[], body: ArrayLike<number>, typeCode = 0x08): Uint8Array {
  const b = new Uint8Array(4 + 4 * dims.length + body.length);
  const v = new DataView(b.buffer);
  b[2] = typeCode;
  b[3] = dims.length;
  dims.forEach((d, i) => {
    v.setUint32(4 + 4 * i, d);
  });
  b.set(body, 4 + 4 * dims.length);
  return b;
}

/** A well-formed MNIST-format test split of `n` images: [images, labels]. */
export function mnistSplit(n: number, seed = 1): [Uint8Array, Uint8Array] {
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s;
  };
  const pixels = Array.from({ length: n * 784 }, () => next() & 0xff);
  const labels = Array.from({ length: n }, () => next() % 10);
  return [idxBytes([n, 28, 28], pixels), idxBytes([n], labels)];
}

/** Writes a test split (`t10k-…`) into a fresh temporary directory, optionally gzipped. */
export async function writeMnistDir(
  images: Uint8Array,
  labels: Uint8Array,
  gzip = false,
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lacuna-mnist-'));
  const ext = gzip ? '.gz' : '';
  await writeFile(join(dir, `t10k-images-idx3-ubyte${ext}`), gzip ? gzipSync(images) : images);
  await writeFile(join(dir, `t10k-labels-idx1-ubyte${ext}`), gzip ? gzipSync(labels) : labels);
  return dir;
}
