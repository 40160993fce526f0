import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, 'fixtures', 'train-child.mjs');
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

function start(args: string[]): {
  child: ChildProcess;
  lines: string[];
  done: Promise<number | null>;
} {
  const child = spawn(process.execPath, [script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) =>
    lines.push(...chunk.toString().split('\n').filter(Boolean)),
  );
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, done };
}

describe('a run killed with SIGKILL and resumed', () => {
  it('ends with parameters bit-identical to an uninterrupted run with the same seed', async () => {
    const base = await mkdtemp(join(tmpdir(), 'lacuna-kill-'));
    dirs.push(base);
    const full = start([join(base, 'full'), join(base, 'full.safetensors')]);
    expect(await full.done).toBe(0);
    expect(full.lines.at(-1)).toBe('done');

    const killed = start([join(base, 'run'), join(base, 'run.safetensors')]);
    // Kill it hard right after its third epoch's checkpoint, mid-way through the fourth.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (killed.lines.includes('epoch 3')) {
          clearInterval(timer);
          killed.child.kill('SIGKILL');
          resolve();
        }
      }, 2);
    });
    await killed.done;
    expect(killed.child.signalCode).toBe('SIGKILL');
    expect(killed.lines).not.toContain('done');

    const resumed = start([join(base, 'run'), join(base, 'run.safetensors'), '--resume']);
    expect(await resumed.done).toBe(0);
    expect(resumed.lines[0]).not.toBe('epoch 1'); // it continued, it did not start over
    const a = await readFile(join(base, 'full.safetensors'));
    const b = await readFile(join(base, 'run.safetensors'));
    expect(b.equals(a)).toBe(true);
  });
});
