#!/usr/bin/env node
// The example check: every ```ts example in the packages' doc comments (packages/*/src, tests
// and test-util excepted) and in the READMEs is type-checked and run against the workspace build.
//
// - Imports of @lacuna/* resolve to packages/*/dist through node_modules links, as the workspace
//   links do; build first (`pnpm check:examples` does).
// - All examples are type-checked in one tsc program, strict, with the packages' own settings
//   (tooling/tsconfig/base.json) and Node's types.
// - Each example is its own module, run in its own Node process (the backend is process-wide
//   state an example may set) with its own empty temporary directory as working directory and
//   TMPDIR, so examples that write files neither meet nor leave anything behind. Result
//   comments are checked: see scripts/examples/results.mjs.
// - A fence written ```ts no-run: <reason> is type-checked but not run.
//
// Errors name the file, the line and the documented symbol. Usage:
//   node scripts/check-examples.mjs [path-fragment ...]   (only examples whose file contains one)
import { execFile } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { docExamples, markdownExamples, paddedCode } from './examples/extract.mjs';
import { prepareExample } from './examples/prepare.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const filters = process.argv.slice(2);
const packages = readdirSync(join(root, 'packages')).filter((name) =>
  readdirSync(join(root, 'packages', name)).includes('package.json'),
);

/**
 * Source files with doc comments a user reads: not tests, test helpers or generated code.
 * @param {string} dir
 * @returns {string[]}
 */
function sourceFiles(dir) {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'test-util' ? [] : sourceFiles(path);
    return /(?<!\.test|\.d|\.generated)\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** @param {string} file */
const read = (file) => readFileSync(join(root, file), 'utf8');
const examples = [
  ...packages.flatMap((name) =>
    sourceFiles(`packages/${name}/src`).flatMap((file) => docExamples(read(file), file)),
  ),
  ...['README.md', ...packages.map((name) => `packages/${name}/README.md`)].flatMap((file) =>
    markdownExamples(read(file), file),
  ),
].filter(({ file }) => filters.length === 0 || filters.some((f) => file.includes(f)));
if (examples.length === 0) {
  console.error(
    `No examples found${filters.length ? ` in files matching ${filters.join(', ')}` : ''}.`,
  );
  process.exit(1);
}

// A scratch project whose node_modules links the workspace packages.
const work = mkdtempSync(join(tmpdir(), 'lacuna-examples-'));
mkdirSync(join(work, 'node_modules', '@lacuna'), { recursive: true });
for (const name of packages)
  symlinkSync(join(root, 'packages', name), join(work, 'node_modules', '@lacuna', name), 'dir');

/**
 * @typedef {import('./examples/extract.mjs').Example & { ts: string, mjs: string, ms: number }} Entry
 * @type {Entry[]}
 */
const entries = examples.map((example) => {
  const name = `${example.file.replace(/[^\w]+/g, '-')}-L${example.line}`;
  return { ...example, ts: join(work, `${name}.ts`), mjs: join(work, `${name}.mjs`), ms: 0 };
});
/** @type {string[]} */
const problems = [];
/** @param {Entry} e */
const label = (e) => `${e.file}:${e.line} (${e.symbol})`;
/** @param {number} since */
const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

// Padded with blank lines (paddedCode), so that type errors give the file's lines.
let since = performance.now();
console.log(`Type-checking ${entries.length} examples in one program`);
for (const entry of entries) writeFileSync(entry.ts, paddedCode(entry));
const base = JSON.parse(read('tooling/tsconfig/base.json')).compilerOptions;
const { options, errors } = ts.convertCompilerOptionsFromJson(
  {
    ...base,
    noEmit: true,
    declaration: false,
    sourceMap: false,
    types: ['node'],
    typeRoots: [join(root, 'packages', 'tensor', 'node_modules', '@types')],
  },
  work,
);
if (errors.length) throw new Error(ts.formatDiagnostics(errors, ts.createCompilerHost({})));
const program = ts.createProgram(
  entries.map((e) => e.ts),
  options,
);
const byPath = new Map(entries.map((e) => [e.ts, e]));
for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n  ');
  const { file, start } = diagnostic;
  const entry = file && byPath.get(file.fileName);
  if (!file || !entry || start === undefined) {
    problems.push(`type check: ${message}`);
    continue;
  }
  const { line } = file.getLineAndCharacterOfPosition(start);
  problems.push(`${entry.file}:${line + 1} (${entry.symbol}): TS${diagnostic.code} ${message}`);
}
console.log(`  type check: ${seconds(since)}`);

since = performance.now();
/** @type {Entry[]} */
const toRun = [];
let checks = 0;
for (const entry of entries.filter((e) => e.noRun === null)) {
  try {
    const prepared = await prepareExample(entry, join(root, entry.file));
    writeFileSync(entry.mjs, prepared.js);
    checks += prepared.checks;
    toRun.push(entry);
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
}
const workers = Math.max(1, Math.min(availableParallelism(), 4));
console.log(`Running ${toRun.length} examples (${checks} result comments), ${workers} at a time`);

/**
 * Runs one prepared example in its own process and empty working directory, which is also its
 * TMPDIR: examples that write files cannot meet each other's.
 * @param {Entry} entry
 * @param {string[]} flags
 * @returns {Promise<{ error: import('node:child_process').ExecFileException | null, output: string }>}
 */
const node = (entry, flags) =>
  new Promise((done) => {
    const cwd = mkdtempSync(join(work, 'cwd-'));
    const start = performance.now();
    execFile(
      process.execPath,
      [...flags, entry.mjs],
      {
        cwd,
        env: { ...process.env, TMPDIR: cwd },
        timeout: 120_000,
        encoding: 'utf8',
        maxBuffer: 16 << 20,
      },
      (error, stdout, stderr) => {
        entry.ms = performance.now() - start;
        done({ error, output: stderr.trim() || stdout.trim() });
      },
    );
  });
/** @param {string} text */
const indent = (text) => text.replace(/^/gm, '    ');
// Without source maps first (they cost a parse per process); a failing example runs again with
// them, so that its stack trace names the example's and the packages' source lines.
/** @param {Entry} entry */
const runOne = async (entry) => {
  if (!(await node(entry, [])).error) return;
  const { error, output } = await node(entry, ['--enable-source-maps']);
  const why = !error
    ? 'failed once, then passed'
    : error.killed
      ? 'timed out after 120 s'
      : `exited with ${error.code}`;
  problems.push(`${label(entry)}: the example ${why}\n${indent(output)}`);
};
let next = 0;
await Promise.all(
  Array.from({ length: workers }, async () => {
    while (next < toRun.length) await runOne(toRun[next++]);
  }),
);
const slowest = [...toRun].sort((a, b) => b.ms - a.ms).slice(0, 3);
console.log(
  `  runs: ${seconds(since)}; slowest: ${slowest.map((e) => `${label(e)} ${(e.ms / 1000).toFixed(1)} s`).join(', ')}`,
);

rmSync(work, { recursive: true, force: true });
const skipped = entries.filter((e) => e.noRun !== null);
if (skipped.length) {
  console.log(`Type-checked only (no-run), ${skipped.length}:`);
  for (const e of skipped) console.log(`  ${label(e)}: ${e.noRun}`);
}
if (problems.length) {
  console.error(`\nExample check failed: ${problems.length} problem(s).\n`);
  for (const problem of problems) console.error(`✗ ${problem}\n`);
  process.exit(1);
}
console.log(
  `Example check passed: ${entries.length} examples type-checked, ${toRun.length} run, ${checks} result comments held.`,
);
