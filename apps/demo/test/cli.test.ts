import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = join(import.meta.dirname, '..', 'dist', 'main.js');
let out = '';
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'lacuna-demo-'));
});
afterAll(() => rm(out, { recursive: true, force: true }));

function spawnDemo(args: string[], guard: { timeout?: number; killSignal?: NodeJS.Signals }) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
    ...guard,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const demo = (...args: string[]) => spawnDemo(args, {});

/**
 * For runs that must stop before any training: one that hangs instead (as `--out /proc/x` did)
 * is killed and fails its assertions rather than stalling the suite. Never hit when it passes.
 */
const demoUntrained = (...args: string[]) =>
  spawnDemo(args, { timeout: 100_000, killSignal: 'SIGKILL' });

function metrics(dir: string) {
  expect(existsSync(join(dir, 'report.html'))).toBe(true);
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  expect(html).toContain('new Chart(');
  expect(html).not.toMatch(/<script[^>]+src=/); // nothing fetched: the report opens offline
  return JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
}

describe('demo --quick, every subcommand', () => {
  it('compare: the report and JSON exist; without dropout train accuracy exceeds test accuracy', () => {
    const r = demo('compare', '--quick', '--out', join(out, 'compare'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/no dropout .*epoch {2}10/);
    const m = metrics(join(out, 'compare'));
    const [plain, dropped] = m.metrics;
    expect(plain.final.trainAccuracy).toBeGreaterThan(plain.final.testAccuracy);
    expect(plain.final.gap).toBeGreaterThan(dropped.final.gap);
    expect(plain.history).toHaveLength(10);
  });

  it('the same seed gives identical numbers', () => {
    demo('compare', '--quick', '--dataset', 'moons', '--out', join(out, 'a'));
    demo('compare', '--quick', '--dataset', 'moons', '--out', join(out, 'b'));
    expect(readFileSync(join(out, 'a', 'metrics.json'), 'utf8')).toBe(
      readFileSync(join(out, 'b', 'metrics.json'), 'utf8'),
    );
    demo('compare', '--quick', '--dataset', 'moons', '--seed', '2', '--out', join(out, 'c'));
    expect(readFileSync(join(out, 'c', 'metrics.json'), 'utf8')).not.toBe(
      readFileSync(join(out, 'a', 'metrics.json'), 'utf8'),
    );
  });

  it('sweep: ten rates from 0.0 to 0.9 with sane accuracies', () => {
    const r = demo('sweep', '--quick', '--out', join(out, 'sweep'));
    expect(r.code, r.stderr).toBe(0);
    const m = metrics(join(out, 'sweep'));
    expect(m.table.rows.map((row: string[]) => row[0])).toEqual([
      '0.0',
      '0.1',
      '0.2',
      '0.3',
      '0.4',
      '0.5',
      '0.6',
      '0.7',
      '0.8',
      '0.9',
    ]);
    const acc = m.metrics.map((run: { final: { testAccuracy: number } }) => run.final.testAccuracy);
    for (const a of acc.slice(0, 6)) expect(a).toBeGreaterThan(0.5); // rates up to 0.5 all learn
    expect(Math.max(...acc)).toBeGreaterThan(acc[9]); // 0.9 under-fits
  });

  it('variants, size and scaling run and report every configuration', () => {
    for (const [cmd, rows] of [
      ['variants', 5],
      ['size', 3],
      ['scaling', 2],
    ] as const) {
      const r = demo(cmd, '--quick', '--out', join(out, cmd));
      expect(r.code, `${cmd}: ${r.stderr}`).toBe(0);
      const m = metrics(join(out, cmd));
      expect(m.table.rows).toHaveLength(rows);
    }
    // Both scalings learn; their equal expected activations are tested exactly in @lacuna/layers,
    // and the full-length run in the README compares their final accuracy.
    const scaling = metrics(join(out, 'scaling'));
    for (const run of scaling.metrics) expect(run.final.testAccuracy).toBeGreaterThan(0.4);
  });

  it('mc: entropy is higher on shifted inputs than on clean ones', () => {
    const r = demo('mc', '--quick', '--out', join(out, 'mc'));
    expect(r.code, r.stderr).toBe(0);
    const m = metrics(join(out, 'mc'));
    const { clean, ...shifted } = m.metrics.entropy;
    for (const v of Object.values(shifted)) expect(v as number).toBeGreaterThan(clean);
    expect(m.metrics.voteAccuracy).toBeGreaterThan(0.5);
  });
});

describe('bad input ends with one line and exit status 2', () => {
  // --quick on moons: before the fixes, the accepted values trained (quickly) and exited 0.
  it.each([
    [['--dataset', 'cifar'], /dataset/],
    [['--train-size', '-5'], /train-size/],
    [['--hidden-p', '1'], /\[0, 1\)/],
    [['--out', '/dev/null/report'], /cannot write the report/],
    [['--train-size', '1e21'], /--train-size must be a whole number from 1 to 60000/],
    [['--epochs', '1e100'], /--epochs must be a whole number from 1 to 1000 .*"1e100"/],
    [['--epochs', '0x10'], /--epochs must be a whole number .*"0x10"/],
    [['--seed', ''], /--seed must be a whole number .*""/],
    [['--hidden-p', ''], /drop probability/],
  ])('%j', (args, pattern) => {
    const r = demoUntrained(
      'compare',
      '--quick',
      '--dataset',
      'moons',
      '--out',
      join(out, 'bad'),
      ...args,
    );
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(
      r.stderr
        .trim()
        .split('\n')
        .filter((l) => l && !l.startsWith('(')).length,
    ).toBeLessThanOrEqual(2);
  });
});

describe('the command line', () => {
  it('pnpm start -- sweep: a leading -- is the separator, not an operand', () => {
    const r = demoUntrained('--', 'sweep', '--help');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: lacuna-demo sweep/);
    const run = demo(
      '--',
      'compare',
      '--quick',
      '--dataset',
      'moons',
      '--epochs',
      '1',
      '--out',
      join(out, 'dashdash'),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(metrics(join(out, 'dashdash')).metrics[0].history).toHaveLength(1);
  });

  it('a misspelt command is reported as unknown, with a suggestion', () => {
    const r = demoUntrained('swep', '--quick');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'swep' \(did you mean 'sweep'\?\)/);
    expect(r.stderr).not.toMatch(/too many arguments/);
  });

  it('the top-level help shows the options every command takes', () => {
    const r = demoUntrained('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--quick/);
    expect(r.stdout).toMatch(/--out <dir>/);
    expect(r.stdout).toMatch(/--epochs <n> +training epochs \(1 to 1000\)/);
  });

  it.runIf(process.platform === 'linux')(
    '--out under /proc fails at once instead of hanging',
    () => {
      const r = demoUntrained(
        'compare',
        '--quick',
        '--dataset',
        'moons',
        '--out',
        '/proc/lacuna-demo-test/x',
      );
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/cannot write the report to --out \/proc\/lacuna-demo-test\/x/);
    },
  );

  it('a reader that closes the pipe early (| head) ends the run quietly with status 0', async () => {
    const child = spawn(
      process.execPath,
      [
        cli,
        'compare',
        '--quick',
        '--dataset',
        'moons',
        '--epochs',
        '1',
        '--out',
        join(out, 'epipe'),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // Closed before the child starts: its first line already meets a closed pipe.
    child.stdout.destroy();
    const stderr: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => void stderr.push(chunk));
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    expect(Buffer.concat(stderr).toString()).toBe('');
    expect(code).toBe(0);
  });
});
