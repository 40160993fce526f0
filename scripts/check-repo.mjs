#!/usr/bin/env node
// Repository invariants a reviewer would otherwise check by hand: publishable package manifests
// (and that their code imports only their dependencies), package READMEs, the README's two
// quick-start commands, CI running the same test command, the tensor README's op table and the
// per-file line budget.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUDGETS, codeFiles, isTest, lineBudgetProblems } from './line-budget.mjs';
import { opTableProblems } from './op-table.mjs';
import { quickStart } from './quick-start.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** @type {string[]} */
const problems = [];
/** @param {string} p - A path from the repository root. */
const read = (p) => readFileSync(join(root, p), 'utf8');
/** @param {string} p */
const json = (p) => JSON.parse(read(p));

for (const name of readdirSync(join(root, 'packages'))) {
  const dir = `packages/${name}`;
  if (!existsSync(join(root, dir, 'package.json'))) continue;
  const pkg = json(`${dir}/package.json`);
  /** @param {string} msg */
  const at = (msg) => problems.push(`${dir}/package.json: ${msg}`);
  if (pkg.name !== `@lacuna/${name}`) at(`name must be @lacuna/${name}, got ${pkg.name}`);
  if (pkg.private) at('a publishable package must not be private');
  if (!/^\d+\.\d+\.\d+/.test(pkg.version ?? '')) at(`version must be semver, got ${pkg.version}`);
  if (pkg.license !== 'MIT') at('license must be MIT');
  if (typeof pkg.sideEffects !== 'boolean' && !Array.isArray(pkg.sideEffects))
    at('sideEffects must be declared');
  if (pkg.engines?.node !== '>=20.19')
    at(`engines.node must be ">=20.19", got ${pkg.engines?.node}`);
  if (pkg.publishConfig?.access !== 'public') at('publishConfig.access must be "public"');
  if (pkg.repository?.directory !== dir) at(`repository.directory must be "${dir}"`);
  if (!Array.isArray(pkg.files) || !pkg.files.includes('dist')) at('files must list dist');
  if (pkg.exports?.['./package.json'] !== './package.json')
    at('exports must include "./package.json"');
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    if (typeof target === 'string') continue;
    for (const [condition, leaf] of Object.entries(target)) {
      if (Object.keys(leaf)[0] !== 'types')
        at(`exports["${subpath}"].${condition} must list "types" first`);
    }
  }
  for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
    if (dep.startsWith('@lacuna/') && range !== 'workspace:^')
      at(`${dep} must use "workspace:^" (it becomes ^version when packed)`);
  }
  // A Lacuna package the published code imports must be a dependency: users get no devDependencies.
  const runtime = new Set([pkg.name, ...Object.keys(pkg.dependencies ?? {})]);
  for (const file of readdirSync(join(root, dir, 'src'), { recursive: true, encoding: 'utf8' })) {
    const path = `${dir}/src/${file.split(sep).join('/')}`;
    if (!/\.[cm]?[jt]s$/.test(file) || isTest(path)) continue;
    for (const [, name] of read(path).matchAll(
      /^(?:import|export)\b[^;]*?from '(@lacuna\/[\w-]+)/gm,
    ))
      if (!runtime.has(name))
        problems.push(`${path} imports ${name}, which is not among ${pkg.name}'s dependencies`);
  }
  if (!existsSync(join(root, dir, 'CHANGELOG.md')))
    problems.push(
      `${dir}/CHANGELOG.md is missing (changesets writes it on \`pnpm version-packages\`)`,
    );
  const readmePath = `${dir}/README.md`;
  if (!existsSync(join(root, readmePath))) problems.push(`${readmePath} is missing`);
  else {
    const readme = read(readmePath);
    if (!readme.includes(`npm install ${pkg.name}`))
      problems.push(`${readmePath} must show "npm install ${pkg.name}"`);
    if (!/```ts\n[\s\S]*?import[\s\S]*?```/.test(readme))
      problems.push(`${readmePath} must hold a runnable TypeScript example`);
  }
}

for (const name of readdirSync(join(root, 'apps'))) {
  const pkg = json(`apps/${name}/package.json`);
  if (!pkg.private) problems.push(`apps/${name} must be private`);
  for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
    if (dep.startsWith('@lacuna/') && range !== 'workspace:*')
      problems.push(`apps/${name}: ${dep} must use "workspace:*"`);
  }
}

const changesets = json('.changeset/config.json');
if (changesets.fixed?.length || changesets.linked?.length)
  problems.push('.changeset/config.json: versions must be independent (no fixed or linked groups)');

try {
  const { demo, test } = quickStart(read('README.md'));
  for (const [label, cmd] of [
    ['demo', demo],
    ['test', test],
  ]) {
    if (!cmd.startsWith('npx -y pnpm@'))
      problems.push(
        `README ${label} command must start from npx (nothing installed globally), got: ${cmd}`,
      );
  }
  const pinned = json('package.json').packageManager;
  for (const cmd of [demo, test]) {
    for (const m of cmd.matchAll(/pnpm@([\w.-]+)/g)) {
      if (`pnpm@${m[1]}` !== pinned)
        problems.push(`README command uses pnpm@${m[1]} but packageManager is ${pinned}`);
    }
  }
  if (!read('.ci/run').includes('scripts/quick-start.mjs test'))
    problems.push('.ci/run must run the README test command (via scripts/quick-start.mjs test)');
} catch (error) {
  problems.push(/** @type {Error} */ (error).message);
}

/**
 * Files allowed past the line budget (400 lines for sources, 500 for tests; see line-budget.mjs),
 * each at most its size when listed. Keep this short: split a file rather than list it.
 * @type {Record<string, import('./line-budget.mjs').Exception>}
 */
const LINE_BUDGET_EXCEPTIONS = {};
problems.push(...opTableProblems(root));
problems.push(...lineBudgetProblems(codeFiles(root), LINE_BUDGET_EXCEPTIONS, BUDGETS));

if (problems.length) {
  console.error(`Repository check failed:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(
  'Repository check passed: package manifests, READMEs, quick-start commands and CI agree; every file is within its line budget.',
);
