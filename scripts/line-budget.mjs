// A per-file line budget (tinygrad keeps one in CI): no source file grows past what a reader
// holds in mind at once. check-repo.mjs runs it over the workspace with its list of exceptions.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * Lines per file. Sources: 400, about what one reads top to bottom and keeps in mind; all but a
 * few files fit with room. Tests: 500, since their cases are read one at a time.
 */
export const BUDGETS = { source: 400, test: 500 };

/** Folders searched for code: the packages, the apps, the root scripts and the tooling. */
const ROOTS = ['packages', 'apps', 'scripts', 'tooling'];
/** Never code of ours: dependencies, build output, caches and results. */
const SKIP = new Set(['node_modules', 'dist', '.turbo', 'coverage', 'docs', 'results', 'out']);
const CODE = /\.[cm]?[jt]s$/;
/** Type declarations and generated files are not read by people. */
const NOT_WRITTEN = /\.d\.[cm]?ts$|\.generated\.[cm]?[jt]s$/;
const TEST = /(^|\/)(test|test-util|__fixtures__)\/|\.test\.[cm]?[jt]s$/;

/**
 * @typedef {{ lines: number, reason: string }} Exception
 * A file allowed past its budget: `lines` is its size when it was listed, the most it may have.
 */

/**
 * Lines in a text, as `wc -l` counts them (plus a last line without a newline).
 * @param {string} text
 */
export function countLines(text) {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/**
 * Whether a path (relative, with `/`) is a test: a `*.test.*` file or one under `test/`,
 * `test-util/` or `__fixtures__/`.
 * @param {string} path
 */
export function isTest(path) {
  return TEST.test(path);
}

/**
 * Every hand-written code file under the workspace's code folders, with its line count.
 * @param {string} root - The repository root.
 * @returns {{ path: string, lines: number }[]} Paths relative to root, with `/`, sorted.
 */
export function codeFiles(root) {
  /** @type {{ path: string, lines: number }[]} */
  const files = [];
  /** @param {string} dir */
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP.has(entry.name)) walk(full);
      } else if (entry.isFile() && CODE.test(entry.name) && !NOT_WRITTEN.test(entry.name)) {
        const path = relative(root, full).split(sep).join('/');
        files.push({ path, lines: countLines(readFileSync(full, 'utf8')) });
      }
    }
  };
  for (const top of ROOTS) {
    try {
      walk(join(root, top));
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'ENOENT') throw error;
    }
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/**
 * The files over their budget, as messages naming the file, its lines and the budget; an
 * exception lets a file stay over it but not grow, and is reported once it is no longer needed.
 * @param {{ path: string, lines: number }[]} files
 * @param {Record<string, Exception>} exceptions - By path.
 * @param {{ source: number, test: number }} [budgets]
 * @returns {string[]}
 */
export function lineBudgetProblems(files, exceptions, budgets = BUDGETS) {
  /** @type {string[]} */
  const problems = [];
  const seen = new Set();
  for (const { path, lines } of files) {
    const kind = isTest(path) ? 'test' : 'source';
    const budget = budgets[kind];
    const exception = exceptions[path];
    if (exception) seen.add(path);
    if (lines <= budget) {
      if (exception)
        problems.push(
          `${path}: ${lines} lines, within the ${budget}-line budget now; remove its line-budget exception`,
        );
      continue;
    }
    if (!exception)
      problems.push(
        `${path}: ${lines} lines, over the ${budget}-line budget for ${kind} files; split it by job (or list it, with a reason, in check-repo's line-budget exceptions)`,
      );
    else if (lines > exception.lines)
      problems.push(
        `${path}: ${lines} lines, over the ${budget}-line budget and past the ${exception.lines} its exception allows (${exception.reason}); split it rather than raise the exception`,
      );
  }
  for (const path of Object.keys(exceptions))
    if (!seen.has(path))
      problems.push(`${path}: has a line-budget exception but no longer exists; remove it`);
  return problems;
}
