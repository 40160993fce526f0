import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

/** One `all --quick` run, shared by every test file that reads its reports. */
export interface AllQuickRun {
  /** The output root: `<out>/<command>/report.html`, `<out>/index.html`. */
  out: string;
  code: number | null;
  stdout: string;
  stderr: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    allQuick: AllQuickRun;
  }
}

/**
 * Runs `dist/main.js all --quick` once before the test files (it takes a minute or two here), so
 * that the command-line checks and the browser checks read the same reports instead of training
 * everything twice. Stdout is a pipe, so progress comes as plain lines.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const out = await mkdtemp(join(tmpdir(), 'lacuna-all-quick-'));
  const main = join(import.meta.dirname, '..', 'dist', 'main.js');
  const child = spawn(process.execPath, [main, 'all', '--quick', '--out', out], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  project.provide('allQuick', { out, code, stdout, stderr });
  return () => rm(out, { recursive: true, force: true });
}
