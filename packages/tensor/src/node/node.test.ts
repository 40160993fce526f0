import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureDir, FileError, writeFileAtomic } from '../node.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lacuna-node-'));
});
afterEach(() => {
  execFileSync('rm', ['-rf', dir]);
});

describe('writeFileAtomic', () => {
  it('survives 20 concurrent writes to one path: one complete version wins, no temp left', async () => {
    const path = join(dir, 'a.bin');
    const versions = Array.from({ length: 20 }, (_, i) => new Uint8Array(4096).fill(i));
    await Promise.all(versions.map((v) => writeFileAtomic(path, v)));
    const got = new Uint8Array(await readFile(path));
    expect(got.length).toBe(4096);
    expect(got.every((b) => b === got[0])).toBe(true);
    expect(await readdir(dir)).toEqual(['a.bin']);
  });

  it('creates missing parents and removes temp files of dead writers of the same target only', async () => {
    const path = join(dir, 'sub', 'deep', 'a.bin');
    // A pid that cannot be running: a child that already exited.
    const child = spawn(process.execPath, ['-e', '0']);
    const deadPid = await new Promise<number>((res) => child.on('exit', () => res(child.pid!)));
    await ensureDir(join(dir, 'sub', 'deep'), { op: 't', argument: 'dir' });
    const stale = `.a.bin.${deadPid}.00000000-0000-4000-8000-000000000000.tmp`;
    const other = `.b.bin.${deadPid}.00000000-0000-4000-8000-000000000000.tmp`;
    const young = `.a.bin.${deadPid}.11111111-1111-4111-8111-111111111111.tmp`;
    const deep = join(dir, 'sub', 'deep');
    for (const name of [stale, other, young]) await writeFile(join(deep, name), 'x');
    // Two minutes old (mtime set explicitly, no clock wait): stale. `young` was just written, as
    // a live writer on another host (whose pid means nothing here) would have.
    const old = new Date(Date.now() - 120_000);
    for (const name of [stale, other]) await utimes(join(deep, name), old, old);
    await writeFileAtomic(path, 'hello');
    expect(await readFile(path, 'utf8')).toBe('hello');
    expect((await readdir(deep)).sort()).toEqual([other, young, 'a.bin'].sort());
  });

  it('names the op and path when the target is a directory', async () => {
    await ensureDir(join(dir, 'taken'), { op: 't', argument: 'dir' });
    const call = writeFileAtomic(join(dir, 'taken'), 'x', {
      at: { op: 'saveCheckpoint', argument: 'path' },
    });
    await expect(call).rejects.toThrow(FileError);
    await expect(
      writeFileAtomic(join(dir, 'taken'), 'x', { at: { op: 'saveCheckpoint', argument: 'path' } }),
    ).rejects.toThrow(/saveCheckpoint: argument 'path' \(".*taken"\) could not be written/);
    expect(await readdir(join(dir))).toEqual(['taken']);
  });
});

describe('ensureDir', () => {
  it('creates nested levels and accepts an existing directory', async () => {
    await ensureDir(join(dir, 'x', 'y', 'z'), { op: 't', argument: 'dir' });
    await ensureDir(join(dir, 'x', 'y', 'z'), { op: 't', argument: 'dir' });
    expect(await readdir(join(dir, 'x', 'y'))).toEqual(['z']);
  });

  it('fails with a FileError when a level is a file', async () => {
    await writeFile(join(dir, 'f'), 'x');
    await expect(ensureDir(join(dir, 'f', 'g'), { op: 'demo', argument: '--out' })).rejects.toThrow(
      /demo: argument '--out' .* is a file/,
    );
  });

  it.runIf(process.platform === 'linux')('fails fast under /proc instead of looping', async () => {
    await expect(
      ensureDir('/proc/lacuna-test/x', { op: 'demo', argument: '--out' }),
    ).rejects.toThrow(FileError);
  });
});
