import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { LacunaError } from '@lacuna/tensor';
import { FileError } from '@lacuna/tensor/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdxFormatError } from './idx.js';
import { readIdxFile } from './read-idx.js';
import { idxBytes } from './test-util/fixtures.js';

describe('readIdxFile', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lacuna-read-idx-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const put = async (name: string, bytes: Uint8Array) => {
    await writeFile(join(dir, name), bytes);
    return join(dir, name);
  };

  it('reads gzip and raw files alike', async () => {
    const file = idxBytes([2, 3], [1, 2, 3, 4, 5, 6]);
    for (const bytes of [file, gzipSync(file)]) {
      const path = await put('ok.idx', bytes);
      const got = await readIdxFile(path);
      expect(got.shape).toEqual([2, 3]);
      expect(Array.from(got.data)).toEqual([1, 2, 3, 4, 5, 6]);
    }
  });

  it('turns corrupt gzip into an IdxFormatError naming the file, not a bare zlib error', async () => {
    const gz = gzipSync(idxBytes([4], [1, 2, 3, 4]));
    const cut = await put('cut.gz', gz.subarray(0, gz.length - 6));
    await expect(readIdxFile(cut)).rejects.toThrow(IdxFormatError);
    await expect(readIdxFile(cut)).rejects.toThrow(
      /readIdxFile: argument '.*cut\.gz' is not valid gzip: unexpected end of file/,
    );
    const flipped = new Uint8Array(gz);
    flipped[12] = flipped[12]! ^ 0xff;
    const bad = await put('flipped.gz', flipped);
    await expect(readIdxFile(bad)).rejects.toThrow(/'.*flipped\.gz' is not valid gzip/);
  });

  it('stops decompressing a bomb at the length its header promises', async () => {
    // A valid 1-element header followed by 32 MiB of zeros: ~32 KB of gzip.
    const bomb = new Uint8Array(9 + 32 * 2 ** 20);
    bomb.set(idxBytes([1], [7]));
    const path = await put('bomb.gz', gzipSync(bomb, { level: 9 }));
    await expect(readIdxFile(path)).rejects.toThrow(IdxFormatError);
    await expect(readIdxFile(path)).rejects.toThrow(
      /'.*bomb\.gz' has trailing bytes: it decompresses to more than the 9 bytes its header promises/,
    );
  });

  it('rejects a header that promises more than maxBytes or than the gzip can hold, before allocating', async () => {
    // Header claims 2^31 bytes of payload; the file is tiny.
    const liar = await put('liar.gz', gzipSync(idxBytes([2 ** 15, 2 ** 16], [0, 0, 0])));
    await expect(readIdxFile(liar, { maxBytes: 2 ** 40 })).rejects.toThrow(
      /'.*liar\.gz' has a header \(shape \[32768,65536\]\) that promises 2147483660 bytes, more than \d+ gzip bytes can hold \(deflate expands at most 1032:1\)/,
    );
    const big = await put('big.gz', gzipSync(idxBytes([5000], new Array(5000).fill(1))));
    await expect(readIdxFile(big, { maxBytes: 1000 })).rejects.toThrow(
      /shape \[5000\]\) that promises 5008 bytes, more than maxBytes \(1000\)/,
    );
    const raw = await put('big.idx', idxBytes([5000], new Array(5000).fill(1)));
    await expect(readIdxFile(raw, { maxBytes: 1000 })).rejects.toThrow(FileError);
    await expect(readIdxFile(raw, { maxBytes: 1000 })).rejects.toThrow(
      /is 5008 bytes, more than maxBytes \(1000\)/,
    );
  });

  it('reports a truncated gzip payload and a gzip of garbage as IdxFormatErrors', async () => {
    const short = await put('short.gz', gzipSync(idxBytes([10], [1, 2, 3])));
    await expect(readIdxFile(short)).rejects.toThrow(
      /'.*short\.gz' is truncated: shape \[10\] needs 18 bytes, got 11/,
    );
    const junk = await put('junk.gz', gzipSync(new TextEncoder().encode('hello world')));
    await expect(readIdxFile(junk)).rejects.toThrow(/does not start with the IDX magic 00 00/);
  });

  it('wraps missing files and directories as FileErrors; rejects bad arguments and options', async () => {
    await mkdir(join(dir, 'adir'), { recursive: true });
    await expect(readIdxFile(join(dir, 'adir'))).rejects.toThrow(FileError);
    await expect(readIdxFile(join(dir, 'adir'))).rejects.toThrow(/is not a regular file/);
    const missing = readIdxFile(join(dir, 'nope'));
    await expect(missing).rejects.toThrow(FileError);
    await expect(missing).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(readIdxFile(join(dir, 'nope'), { max_bytes: 1 } as never)).rejects.toThrow(
      /argument 'options\.max_bytes' is not a known option\. did you mean 'maxBytes'\?/,
    );
    await expect(readIdxFile(join(dir, 'nope'), { maxBytes: -1 })).rejects.toThrow(RangeError);
    await expect(readIdxFile(42 as never)).rejects.toThrow(LacunaError);
  });
});
