#!/usr/bin/env node
// Checks the release flow on a scratch copy of the workspace manifests: a changeset makes
// `changeset version` bump only the packages it names and write their CHANGELOGs; the one
// exception is a bump that leaves a dependent's range (a 0.x minor of @lacuna/tensor), which
// patch-bumps the dependents so their published ranges follow. Versions are independent.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const changeset = join(root, 'node_modules', '@changesets', 'cli', 'bin.js');
const packages = readdirSync(join(root, 'packages')).filter((d) =>
  existsSync(join(root, 'packages', d, 'package.json')),
);
/** @type {string[]} */
const problems = [];

function scratch() {
  const dir = mkdtempSync(join(tmpdir(), 'lacuna-changesets-'));
  for (const f of ['package.json', 'pnpm-workspace.yaml', '.changeset/config.json'])
    cpSync(join(root, f), join(dir, f));
  for (const app of readdirSync(join(root, 'apps')))
    cpSync(join(root, 'apps', app, 'package.json'), join(dir, 'apps', app, 'package.json'));
  for (const p of packages) {
    for (const f of ['package.json', 'CHANGELOG.md']) {
      if (existsSync(join(root, 'packages', p, f)))
        cpSync(join(root, 'packages', p, f), join(dir, 'packages', p, f));
    }
  }
  return dir;
}

/** @param {string} dir @param {string} p @returns {string} */
const version = (dir, p) =>
  JSON.parse(readFileSync(join(dir, 'packages', p, 'package.json'), 'utf8')).version;
/** @param {string} v @param {'patch' | 'minor'} kind */
const bump = (v, kind) => {
  const [major, minor, patch] = v.split('.').map(Number);
  return kind === 'minor' ? `${major}.${minor + 1}.0` : `${major}.${minor}.${patch + 1}`;
};

/**
 * @param {string} pkg - The package the scenario's changeset names.
 * @param {'patch' | 'minor'} kind
 * @param {string[]} expectBumped - Dependents expected to get a patch bump.
 */
function scenario(pkg, kind, expectBumped) {
  const dir = scratch();
  try {
    const before = Object.fromEntries(packages.map((p) => [p, version(dir, p)]));
    /** @param {string} p */
    const changelog = (p) =>
      existsSync(join(dir, 'packages', p, 'CHANGELOG.md'))
        ? readFileSync(join(dir, 'packages', p, 'CHANGELOG.md'), 'utf8')
        : '';
    const logsBefore = Object.fromEntries(packages.map((p) => [p, changelog(p)]));
    writeFileSync(
      join(dir, '.changeset', 'scenario.md'),
      `---\n"@lacuna/${pkg}": ${kind}\n---\n\nScenario change to ${pkg}.\n`,
    );
    execFileSync(process.execPath, [changeset, 'version'], { cwd: dir, stdio: 'pipe' });
    for (const p of packages) {
      const want =
        p === pkg
          ? bump(before[p], kind)
          : expectBumped.includes(p)
            ? bump(before[p], 'patch')
            : before[p];
      if (version(dir, p) !== want)
        problems.push(
          `${kind} change to ${pkg}: ${p} went ${before[p]} → ${version(dir, p)}, expected ${want}`,
        );
      const log = changelog(p);
      const logged = log !== logsBefore[p] && log.includes(`## ${want}`);
      if ((want !== before[p]) !== logged) {
        problems.push(
          `${kind} change to ${pkg}: CHANGELOG of ${p} ${logged ? 'gained' : 'lacks'} an entry for ${want}`,
        );
      }
    }
    if (existsSync(join(dir, '.changeset', 'scenario.md')))
      problems.push('changeset version left the consumed changeset behind');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The pending changesets must parse: a scratch `changeset version` with them bumps every package they name. */
function pendingChangesets() {
  const pending = readdirSync(join(root, '.changeset')).filter(
    (f) => f.endsWith('.md') && f !== 'README.md',
  );
  if (pending.length === 0) return;
  const named = new Set();
  for (const f of pending) {
    const text = readFileSync(join(root, '.changeset', f), 'utf8');
    const front = text.match(/^---\n([\s\S]*?)\n---\n/);
    const lines = front ? front[1].split('\n').filter(Boolean) : [];
    const ok =
      lines.length > 0 &&
      lines.every((l) => /^["']@lacuna\/[a-z-]+["']: (patch|minor|major)$/.test(l));
    if (!ok)
      problems.push(
        `.changeset/${f}: front matter must list "@lacuna/<pkg>": patch|minor|major between --- lines`,
      );
    for (const l of lines) named.add(l.split(':')[0].replace(/["'@]|lacuna\//g, ''));
  }
  const dir = scratch();
  try {
    for (const f of pending) cpSync(join(root, '.changeset', f), join(dir, '.changeset', f));
    const before = Object.fromEntries(packages.map((p) => [p, version(dir, p)]));
    try {
      execFileSync(process.execPath, [changeset, 'version'], { cwd: dir, stdio: 'pipe' });
    } catch (error) {
      const { stderr } = /** @type {{ stderr?: Buffer }} */ (error);
      problems.push(
        `changeset version rejects the pending changesets: ${String(stderr).split('\n').slice(0, 3).join(' ')}`,
      );
      return;
    }
    for (const p of named)
      if (version(dir, p) === before[p])
        problems.push(`pending changesets name ${p}, but changeset version did not bump it`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

pendingChangesets();
scenario('optim', 'minor', []);
scenario('tensor', 'patch', []);
scenario('tensor', 'minor', ['autograd', 'layers', 'optim', 'datasets']);

if (problems.length) {
  console.error(`Changesets check failed:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(
  'Changesets check passed: only changed packages (and dependents whose ranges move) are bumped, each with its CHANGELOG.',
);
