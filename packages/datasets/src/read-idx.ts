import { createGunzip } from 'node:zlib';
import { checkOptionKeys, LacunaError } from '@lacuna/tensor';
import { readFileLimited } from './fs-errors.js';
import { type IdxArray, IdxFormatError, parseIdx, readIdxHeader } from './idx.js';
import { optionPositiveInteger } from './option-checks.js';

/** Options of {@link readIdxFile}. */
export interface ReadIdxOptions {
  /**
   * Largest file, compressed or decompressed, that is read (default 1 GiB; MNIST's largest file
   * is 47 MB). A header that promises more is an error before anything is allocated.
   */
  maxBytes?: number;
}

/** Default {@link ReadIdxOptions.maxBytes}: 1 GiB. */
export const DEFAULT_IDX_MAX_BYTES = 2 ** 30;

/**
 * Deflate cannot expand data by more than 1032:1 (zlib's documented limit), so a header that
 * promises more than this many bytes per compressed byte is a lie: reject it before allocating.
 */
const DEFLATE_MAX_RATIO = 1032;

/**
 * Reads and parses an IDX file, gzip-compressed (detected by its magic bytes) or raw.
 *
 * A gzip file is decompressed as a stream: its header is read first, and the output is capped at
 * the exact length that header implies (and at `maxBytes`), so a gzip bomb costs no more memory
 * than a genuine file of the size it claims. A header claiming more than deflate can produce
 * from the file's size is rejected before any allocation. Every failure is typed and names the
 * file: {@link IdxFormatError} for bad content (corrupt gzip included), `FileError` (from
 * `@lacuna/tensor/node`) when the file cannot be read.
 *
 * @param path - File path.
 * @param options - `maxBytes`; see {@link ReadIdxOptions}.
 * @example
 * ```ts
 * import { writeFile } from 'node:fs/promises';
 * import { readIdxFile } from '@lacuna/datasets/node';
 * await writeFile('labels-idx1-ubyte', new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 9]));
 * const labels = await readIdxFile('labels-idx1-ubyte'); // gzipped files (*.gz) too
 * labels.shape; // [2]
 * ```
 */
export async function readIdxFile(path: string, options: ReadIdxOptions = {}): Promise<IdxArray> {
  const op = 'readIdxFile';
  checkOptionKeys(op, options, ['maxBytes']);
  if (typeof path !== 'string' || path.length === 0)
    throw new LacunaError(op, 'path', `must be a non-empty string, got ${String(path)}`);
  const maxBytes = optionPositiveInteger(op, 'maxBytes', options.maxBytes, DEFAULT_IDX_MAX_BYTES);
  const raw = await readFileLimited(path, maxBytes, { op, argument: 'path' });
  const bytes = raw[0] === 0x1f && raw[1] === 0x8b ? await gunzipIdx(raw, path, maxBytes) : raw;
  return parseIdx(bytes, path);
}

/**
 * Decompresses a gzip IDX file, never holding more than the length its header promises.
 *
 * @returns The decompressed bytes (possibly short, for `parseIdx` to report as truncated).
 * @throws IdxFormatError naming the file: corrupt gzip, a header promising more than `maxBytes`
 *   or than deflate can hold, or more data than the header promises.
 */
export async function gunzipIdx(
  raw: Uint8Array,
  name: string,
  maxBytes: number,
): Promise<Uint8Array> {
  const op = 'readIdxFile';
  const fail = (detail: string) => new IdxFormatError(op, name, detail);
  const gunzip = createGunzip({ chunkSize: 64 * 1024 });
  gunzip.end(raw);
  let head: Uint8Array = new Uint8Array(0);
  let out: Uint8Array | undefined;
  let filled = 0;
  try {
    // zlib respects back-pressure, so leaving the loop early stops decompression there.
    for await (const chunk of gunzip as AsyncIterable<Uint8Array>) {
      if (out) {
        if (filled + chunk.length > out.length)
          throw fail(
            `has trailing bytes: it decompresses to more than the ${out.length} bytes its header promises`,
          );
        out.set(chunk, filled);
        filled += chunk.length;
        continue;
      }
      head = concat(head, chunk);
      const header = readIdxHeader(head, name, op);
      if (!header) continue;
      const { byteLength, shape } = header;
      const claim = `has a header (shape [${shape.join(',')}]) that promises ${byteLength} bytes`;
      if (byteLength > maxBytes)
        throw fail(`${claim}, more than maxBytes (${maxBytes}); pass a larger maxBytes to read it`);
      if (byteLength > raw.length * DEFLATE_MAX_RATIO + 1024)
        throw fail(
          `${claim}, more than ${raw.length} gzip bytes can hold (deflate expands at most ${DEFLATE_MAX_RATIO}:1)`,
        );
      if (head.length > byteLength)
        throw fail(
          `has trailing bytes: it decompresses to more than the ${byteLength} bytes its header promises`,
        );
      out = new Uint8Array(byteLength);
      out.set(head);
      filled = head.length;
    }
  } catch (error) {
    gunzip.destroy();
    if (error instanceof LacunaError) throw error;
    throw fail(`is not valid gzip: ${(error as Error).message ?? String(error)}`);
  }
  return out ? out.subarray(0, filled) : head;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
