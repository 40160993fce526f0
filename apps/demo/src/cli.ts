import { closestName } from '@lacuna/tensor';
import { Command, Option, type OutputConfiguration } from 'commander';
import { integerIn, LIMITS, learningRate, probability } from './args.js';
import { COMMANDS as DEMO_COMMANDS } from './commands/index.js';
import { DATASETS } from './data.js';

/** The demo's commands in help order, then `all`; `compare` also runs when no command is given. */
export const COMMANDS: readonly (readonly [string, string])[] = [
  ...DEMO_COMMANDS.map((c) => [c.name, c.description] as const),
  ['all', 'every command above in turn, with one index.html over their reports'],
];

/** A command's name. */
export type CommandName = string;

/** What the parser hands over: the command and its options as commander parsed them. */
export type OnCommand = (name: CommandName, raw: Record<string, unknown>) => Promise<void>;

/**
 * The demo's command line (commander: the de-facto Node CLI parser, with subcommands, typed
 * options and generated help). The options belong to the program, not to each command, so the
 * top-level `--help` lists them and they may stand before or after the command name; every
 * command's help repeats them. Errors throw a CommanderError (`exitOverride`) for the caller.
 *
 * @param onCommand - Runs a parsed command.
 * @param output - Where help and errors go (tests capture them); default stdout/stderr.
 */
export function createProgram(onCommand: OnCommand, output?: OutputConfiguration): Command {
  const { trainSize, epochs, seed } = LIMITS;
  const program = new Command()
    .name('lacuna-demo')
    .description(
      'What dropout does to over-fitting, measured: trains real networks and writes an HTML report.',
    )
    .usage('[command] [options]')
    // Set before the subcommands are added: they copy these settings when created.
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ showGlobalOptions: true })
    .addHelpText(
      'after',
      `
Every command takes the options above, before or after its name.
Numbers are plain decimal digits.

Examples:
  lacuna-demo --quick                      compare, the default command, small and fast
  lacuna-demo sweep --quick --out r        the dropout-rate sweep, report in ./r/sweep
  lacuna-demo compare --seeds 3            the default experiment at three seeds
  lacuna-demo all --quick                  every command, a smoke test`,
    );
  if (output) program.configureOutput(output);
  program
    .addOption(new Option('--dataset <name>', 'dataset').choices([...DATASETS]).default('mnist'))
    .option(
      '--train-size <n>',
      `training examples, a class-balanced subset (${trainSize.min} to ${trainSize.max})`,
      integerIn('--train-size', trainSize.min, trainSize.max),
    )
    .option(
      '--epochs <n>',
      `training epochs (${epochs.min} to ${epochs.max})`,
      integerIn('--epochs', epochs.min, epochs.max),
    )
    .option(
      '--seed <n>',
      `random seed (${seed.min} to ${seed.max})`,
      integerIn('--seed', seed.min, seed.max),
      1,
    )
    .option(
      '--seeds <n>',
      `train each configuration at n seeds (seed, seed + 1, …) and report mean ± spread (${LIMITS.seeds.min} to ${LIMITS.seeds.max})`,
      integerIn('--seeds', LIMITS.seeds.min, LIMITS.seeds.max),
    )
    .option(
      '--eval-every <k>',
      `evaluate on the training and test sets every k epochs and after the last (${epochs.min} to ${epochs.max})`,
      integerIn('--eval-every', epochs.min, epochs.max),
    )
    .option('--input-p <p>', 'dropout on the inputs, in [0, 1)', probability('--input-p'))
    .option('--hidden-p <p>', 'dropout on hidden units, in [0, 1)', probability('--hidden-p'))
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(['sgd', 'adam']))
    .option(
      '--lr <rate>',
      `learning rate, in (0, ${LIMITS.lr.max}] (each command has defaults for sgd and adam)`,
      learningRate,
    )
    .option(
      '--out <dir>',
      'folder for the reports: <dir>/<command>/report.html and metrics.json, and <dir>/index.html (default lacuna-report)',
    )
    .option('--data-dir <dir>', 'a folder of CIFAR-10 binary batches, for conv')
    .option(
      '--quick',
      'a smoke test: tiny network, data and epochs (for tests and a first look)',
      false,
    )
    // No command runs `compare`; an unknown word lands here too, and must not be read as
    // arguments to `compare` ("too many arguments for 'compare'").
    .allowExcessArguments(true)
    // An action on the program would otherwise drop the implicit `help [command]`.
    .helpCommand(true)
    .action(async () => {
      const [word] = program.args;
      if (word !== undefined) {
        const names = COMMANDS.map(([name]) => name);
        const guess = closestName(word, names);
        program.error(
          `error: unknown command '${word}'${guess ? ` (did you mean '${guess}'?)` : ''}; commands: ${names.join(', ')}`,
          { code: 'commander.unknownCommand', exitCode: 2 },
        );
      }
      await onCommand('compare', program.opts());
    });
  for (const [name, description] of COMMANDS)
    program
      .command(name)
      .description(description)
      // Not inherited from the program: `compare extra` is an error, not a full run.
      .allowExcessArguments(false)
      .action((_options, command: Command) => onCommand(name, command.optsWithGlobals()));
  return program;
}
