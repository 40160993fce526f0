// The workspace the release check packs: its root, its tools and its publishable packages.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './report.mjs';

/** The repository root. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * A tool installed at the workspace root.
 * @param {string} name
 */
export const bin = (name) => join(root, 'node_modules', '.bin', name);

// pnpm is the one running this script (`pnpm test`); reuse it rather than assuming a global one.
/** @type {[string, string[]]} */
const pnpm =
  process.env.npm_execpath && /pnpm/.test(process.env.npm_execpath)
    ? [process.execPath, [process.env.npm_execpath]]
    : ['pnpm', []];
/** @param {string[]} args @param {import('node:child_process').ExecFileSyncOptions} [options] */
export const runPnpm = (args, options) => run(pnpm[0], [...pnpm[1], ...args], options);

/**
 * @typedef {{ name: string, version: string, unpkg: string }} PackageJson
 * @typedef {{ dir: string, pkg: PackageJson }} Manifest - A package's folder and package.json.
 */

/** @returns {Manifest[]} Every package under packages/ with a package.json. */
export function readManifests() {
  return readdirSync(join(root, 'packages'))
    .map((d) => join(root, 'packages', d))
    .filter((d) => statSync(join(d, 'package.json'), { throwIfNoEntry: false }))
    .map((dir) => ({
      dir,
      pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')),
    }));
}
