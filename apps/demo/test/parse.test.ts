import { closestName } from '@lacuna/tensor';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { userArgs } from '../src/args.js';
import { type CommandName, createProgram } from '../src/cli.js';
import { COMMANDS } from '../src/commands/index.js';
import { resolveOptions } from '../src/run.js';

/** Parses like main.ts does, without training: records the command and captures the output. */
async function parse(...args: string[]) {
  const calls: { name: CommandName; raw: Record<string, unknown> }[] = [];
  const out: string[] = [];
  const err: string[] = [];
  const program = createProgram(async (name, raw) => void calls.push({ name, raw }), {
    writeOut: (s) => void out.push(s),
    writeErr: (s) => void err.push(s),
  });
  let error: CommanderError | undefined;
  try {
    await program.parseAsync(userArgs(['node', 'main.js', ...args]), { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    error = e;
  }
  return { calls, out: out.join(''), err: err.join(''), error };
}

describe('commands', () => {
  it('a leading -- (pnpm start -- sweep --quick) is the separator, not an operand', async () => {
    const r = await parse('--', 'sweep', '--quick');
    expect(r.error).toBeUndefined();
    expect(r.calls).toHaveLength(1);
    expect(r.calls[0]!.name).toBe('sweep');
    expect(r.calls[0]!.raw.quick).toBe(true);
    expect(userArgs(['node', 'main.js', 'sweep', '--', '--quick'])).toEqual([
      'sweep',
      '--',
      '--quick',
    ]); // only a leading one is dropped
  });

  it('no command runs compare; options may stand before or after the command', async () => {
    expect((await parse()).calls.map((c) => c.name)).toEqual(['compare']);
    const before = await parse('--quick', '--epochs', '3', 'sweep');
    const after = await parse('sweep', '--quick', '--epochs', '3');
    expect(before.calls[0]).toEqual(after.calls[0]);
    expect(after.calls[0]!.raw).toMatchObject({ quick: true, epochs: 3, seed: 1 });
  });

  it('a misspelt command is an unknown command with a suggestion, not arguments to compare', async () => {
    const r = await parse('swep');
    expect(r.calls).toEqual([]);
    expect(r.error?.code).toBe('commander.unknownCommand');
    expect(r.error?.exitCode).toBe(2);
    expect(r.err).toMatch(/unknown command 'swep' \(did you mean 'sweep'\?\)/);
    expect(r.err).not.toMatch(/too many arguments/);
    expect((await parse('frobnicate')).err).toMatch(
      /unknown command 'frobnicate'; commands: compare, ensemble, width, sweep/,
    );
  });

  it('the top-level help lists the options every command takes', async () => {
    const r = await parse('--help');
    expect(r.error?.code).toBe('commander.helpDisplayed');
    for (const flag of ['--quick', '--out <dir>', '--epochs <n>', '--train-size <n>', '--seed <n>'])
      expect(r.out).toContain(flag);
    expect(r.out).toMatch(/--epochs <n> +training epochs \(1 to 1000\)/);
    expect((await parse('sweep', '--help')).out).toContain('--quick');
  });

  it('a command given a stray word is an error, not a full run; help <command> still works', async () => {
    const r = await parse('compare', 'extra');
    expect(r.calls).toEqual([]);
    expect(r.error?.code).toBe('commander.excessArguments');
    const help = await parse('help', 'sweep');
    expect(help.calls).toEqual([]);
    expect(help.out).toMatch(/^Usage: lacuna-demo sweep/);
  });
});

describe('numeric options', () => {
  it.each([
    ['--train-size', '1e21'],
    ['--train-size', '60001'],
    ['--train-size', '0'],
    ['--epochs', '1e100'],
    ['--epochs', ''],
    ['--epochs', '0x10'],
    ['--epochs', ' 5'],
    ['--epochs', '5.0'],
    ['--epochs', '1001'],
    ['--seed', ''],
    ['--seed', '-1'],
    ['--seed', '4294967296'],
    ['--lr', '0x1'],
    ['--lr', ''],
    ['--lr', 'Infinity'],
    ['--lr', '0'],
    ['--hidden-p', ''],
    ['--input-p', '0x0'],
    ['--hidden-p', '1'],
  ])('%s %j is a usage error naming the option', async (flag, value) => {
    const r = await parse('compare', flag, value);
    expect(r.calls).toEqual([]);
    expect(r.error?.code).toBe('commander.invalidArgument');
    expect(r.err).toContain(`${flag}`);
    expect(r.err).toContain(JSON.stringify(value));
  });

  it.each([
    ['--train-size', '60000', 'trainSize', 60000],
    ['--epochs', '1000', 'epochs', 1000],
    ['--epochs', '007', 'epochs', 7],
    ['--seed', '0', 'seed', 0],
    ['--seed', '4294967295', 'seed', 4294967295],
    ['--lr', '1e-3', 'lr', 0.001],
    ['--lr', '.5', 'lr', 0.5],
    ['--hidden-p', '0', 'hiddenP', 0],
    ['--input-p', '0.25', 'inputP', 0.25],
  ])('%s %s is accepted', async (flag, value, key, expected) => {
    const r = await parse('compare', flag, value);
    expect(r.error).toBeUndefined();
    expect(r.calls[0]!.raw[key]).toBe(expected);
  });
});

describe('closestName', () => {
  it('suggests near misses only', () => {
    const names = ['compare', 'sweep', 'variants', 'mc', 'size', 'scaling'];
    expect(closestName('swep', names)).toBe('sweep');
    expect(closestName('scalng', names)).toBe('scaling');
    expect(closestName('mcc', names)).toBe('mc');
    expect(closestName('frobnicate', names)).toBeUndefined();
  });
});

describe("resolveOptions: base defaults, then the command's, then the user's", () => {
  const compare = COMMANDS.find((c) => c.name === 'compare')!;
  const sweep = COMMANDS.find((c) => c.name === 'sweep')!;
  const raw = (more: Record<string, unknown> = {}) => ({
    dataset: 'mnist',
    seed: 1,
    quick: false,
    ...more,
  });

  it('compare uses its own recipe; sweep keeps the base defaults', () => {
    const c = resolveOptions(compare, raw());
    const d = compare.defaults!('mnist', false);
    expect(c.optimizer).toBe(d.optimizer);
    expect(c.epochs).toBe(d.epochs);
    expect(c.seeds).toBe(d.seeds);
    expect(c.lr).toBe(d.lr![c.optimizer]);
    const s = resolveOptions(sweep, raw());
    expect(s).toMatchObject({
      optimizer: 'adam',
      lr: 0.001,
      epochs: 12,
      seeds: 1,
      evalEvery: 1,
      inputP: 0.2,
      hiddenP: 0.5,
    });
    expect(s.out).toMatch(/lacuna-report$/);
  });

  it("the user's options win, and --optimizer picks that optimizer's default rate", () => {
    const c = resolveOptions(
      compare,
      raw({ optimizer: 'adam', epochs: 3, seeds: 4, evalEvery: 2, hiddenP: 0.3 }),
    );
    expect(c).toMatchObject({
      optimizer: 'adam',
      lr: compare.defaults!('mnist', false).lr!.adam,
      epochs: 3,
      seeds: 4,
      evalEvery: 2,
      hiddenP: 0.3,
    });
    expect(resolveOptions(compare, raw({ lr: 0.02 })).lr).toBe(0.02);
  });

  it('--quick is a smoke test with a small test set', () => {
    const q = resolveOptions(sweep, raw({ quick: true }));
    expect(q).toMatchObject({ quick: true, trainSize: 300, testSize: 1000, hidden: [64, 64] });
  });
});
