import { LacunaError } from '@lacuna/tensor';
import { userArgs } from './args.js';
import { createProgram } from './cli.js';
import { COMMANDS } from './commands/index.js';
import { UsageError } from './errors.js';
import { run, supports } from './run.js';

// `lacuna-demo … | head` closes the pipe early: the reader has what it wanted, which is no failure.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });

const program = createProgram(async (name, raw) => {
  if (name !== 'all') return void (await run(COMMANDS.find((c) => c.name === name)!, raw));
  for (const command of COMMANDS)
    if (supports(command, String(raw.dataset))) await run(command, raw);
    else console.log(`${command.name}: skipped, it works on ${command.datasets!.join(' and ')}\n`);
});

try {
  await program.parseAsync(userArgs(process.argv), { from: 'user' });
} catch (error) {
  const e = error as { code?: string; exitCode?: number; message?: string };
  // commander already printed it; help and --version exit 0, usage errors 2.
  if (e.code?.startsWith('commander.')) process.exit(e.exitCode === 0 ? 0 : 2);
  if (error instanceof UsageError || error instanceof LacunaError) {
    console.error(`lacuna-demo: ${e.message}`);
    process.exit(2);
  }
  console.error(`lacuna-demo: unexpected error: ${e.message ?? String(error)}`);
  process.exit(1);
}
