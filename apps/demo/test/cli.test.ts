import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

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

/** The metrics of one command's report under the output root `root`. */
const reportOf = (root: string, command: string) => metrics(join(root, command));

describe('demo all --quick: every subcommand, one output root', () => {
  // Run once for every test file by the global setup (test/all-quick.setup.ts).
  const { out: root, code, stdout, stderr } = inject('allQuick');

  it('exits 0', () => {
    expect(code, stderr).toBe(0);
  });

  it('labels every command a smoke test, in the output and in each report', () => {
    const names = JSON.parse(readFileSync(join(root, 'compare', 'metrics.json'), 'utf8'));
    expect(names.quick).toBe(true);
    expect(stdout).toMatch(/Smoke test \(--quick\)/);
    const index = readFileSync(join(root, 'index.html'), 'utf8');
    for (const command of ['compare', 'sweep', 'variants', 'mc', 'size', 'scaling']) {
      expect(index).toContain(`href="${command}/report.html"`);
      expect(readFileSync(join(root, command, 'report.html'), 'utf8')).toContain(
        'Smoke test (--quick)',
      );
    }
  });

  it('every printed line fits an 80-column terminal', () => {
    const long = stdout
      .split('\n')
      .filter(
        (line) =>
          line.length > 80 &&
          !line.startsWith('report:') &&
          !line.startsWith('metrics:') &&
          !line.startsWith('all reports:'),
      );
    expect(long).toEqual([]);
  });

  it('compare: without dropout the net memorises more; one evaluation per epoch', () => {
    const m = reportOf(root, 'compare');
    const [plain, dropped] = m.metrics.configurations;
    expect(plain.name).toBe('no dropout');
    expect(dropped.name).toBe('dropout');
    const p = plain.runs[0].final;
    expect(p.trainAccuracy).toBeGreaterThan(p.testAccuracy);
    expect(p.gap).toBeGreaterThan(dropped.runs[0].final.gap);
    expect(plain.runs[0].history.map((h: { epoch: number }) => h.epoch)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    // One seed in a quick run: the sentences must say the spread is unmeasured, not claim an effect.
    for (const f of m.findings.slice(0, 2))
      expect(f).toMatch(/one seed\): the spread over seeds is unmeasured/);
  });

  it('sweep: ten rates from 0.0 to 0.9 with sane accuracies', () => {
    const m = reportOf(root, 'sweep');
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
    const acc = m.metrics.configurations.map(
      (c: { runs: { final: { testAccuracy: number } }[] }) => c.runs[0]!.final.testAccuracy,
    );
    for (const a of acc.slice(0, 6)) expect(a).toBeGreaterThan(0.5); // rates up to 0.5 all learn
    expect(Math.max(...acc)).toBeGreaterThan(acc[9]); // 0.9 under-fits
  });

  it('variants, size and scaling report every configuration', () => {
    for (const [cmd, rows] of [
      ['variants', 5],
      ['size', 3],
      ['scaling', 2],
    ] as const)
      expect(reportOf(root, cmd).table.rows).toHaveLength(rows);
    // Both scalings learn; their equal expected activations are tested exactly in @lacuna/layers.
    for (const c of reportOf(root, 'scaling').metrics.configurations)
      expect(c.runs[0].final.testAccuracy).toBeGreaterThan(0.4);
  });

  it('mc: entropy is higher on shifted inputs than on clean ones', () => {
    const m = reportOf(root, 'mc');
    const { clean, ...shifted } = m.metrics.entropy;
    for (const v of Object.values(shifted)) expect(v as number).toBeGreaterThan(clean);
    expect(m.metrics.voteAccuracy).toBeGreaterThan(0.5);
  });
});

describe('reproducibility and seeds', () => {
  it('the same seed gives identical numbers; another seed does not', () => {
    const at = (d: string) => join(out, d, 'compare', 'metrics.json');
    demo('compare', '--quick', '--dataset', 'moons', '--out', join(out, 'a'));
    demo('compare', '--quick', '--dataset', 'moons', '--out', join(out, 'b'));
    expect(readFileSync(at('a'), 'utf8')).toBe(readFileSync(at('b'), 'utf8'));
    demo('compare', '--quick', '--dataset', 'moons', '--seed', '2', '--out', join(out, 'c'));
    expect(readFileSync(at('c'), 'utf8')).not.toBe(readFileSync(at('a'), 'utf8'));
  });

  it('--seeds 3 trains every configuration at seeds s, s+1, s+2 and reports the spread', () => {
    const r = demo(
      'compare',
      '--quick',
      '--dataset',
      'moons',
      '--seeds',
      '3',
      '--seed',
      '7',
      '--epochs',
      '4',
      '--eval-every',
      '2',
      '--out',
      join(out, 's'),
    );
    expect(r.code, r.stderr).toBe(0);
    const m = reportOf(join(out, 's'), 'compare');
    for (const c of m.metrics.configurations) {
      expect(c.runs.map((run: { seed: number }) => run.seed)).toEqual([7, 8, 9]);
      // --eval-every 2 over 4 epochs: evaluated after epochs 2 and 4.
      expect(c.runs[0].history.map((h: { epoch: number }) => h.epoch)).toEqual([2, 4]);
    }
    expect(m.settings.seeds).toEqual([7, 8, 9]);
    expect(m.findings[0]).toMatch(/mean of 3 seeds; seed spread ±/);
    expect(m.table.rows[0][2]).toMatch(/ %\s±\s\d/);
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
    [['--seeds', '0'], /--seeds must be a whole number from 1 to 20/],
    [['--eval-every', '1.5'], /--eval-every must be a whole number/],
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
    expect(
      metrics(join(out, 'dashdash', 'compare')).metrics.configurations[0].runs[0].history,
    ).toHaveLength(1);
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
