// How the release check runs commands and reports: a ✓ line per check passed, a ✗ line per
// problem, and the problems kept for the verdict at the end.
import { execFileSync } from 'node:child_process';

/**
 * Runs a command and returns its stdout; throws, with the output attached, if it fails.
 * @param {string} cmd
 * @param {string[]} args
 * @param {import('node:child_process').ExecFileSyncOptions} [options]
 * @returns {string} The command's stdout.
 */
export function run(cmd, args, options = {}) {
  // encoding 'utf8' makes it a string, which the overloads cannot see through the spread.
  return /** @type {string} */ (
    execFileSync(cmd, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
    })
  );
}

/**
 * @typedef {object} Report
 * @property {string[]} failures - The problems found so far.
 * @property {(msg: string) => void} ok - Reports a check passed.
 * @property {(msg: string) => void} fail - Reports a problem.
 * @property {(label: string, cmd: string, args: string[],
 *   options?: import('node:child_process').ExecFileSyncOptions) => boolean} check - Runs a
 *   command and reports it: passed, or failed with its output (instead of throwing).
 */

/** @returns {Report} A report with no problems yet. */
export function createReport() {
  /** @type {string[]} */
  const failures = [];
  /** @param {string} msg */
  const fail = (msg) => {
    failures.push(msg);
    console.error(`  ✗ ${msg}`);
  };
  /** @param {string} msg */
  const ok = (msg) => console.log(`  ✓ ${msg}`);
  /** @type {Report['check']} */
  const check = (label, cmd, args, options = {}) => {
    try {
      run(cmd, args, options);
      ok(label);
      return true;
    } catch (error) {
      const { stdout, stderr } = /** @type {{ stdout?: string, stderr?: string }} */ (error);
      fail(`${label}\n${stdout ?? ''}${stderr ?? ''}`.trimEnd());
      return false;
    }
  };
  return { failures, ok, fail, check };
}
