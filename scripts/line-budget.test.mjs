// Run by `pnpm run check:repo` (`node --test scripts/`): the line budget fails when it should, with a message
// naming the file, its lines and the budget.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { codeFiles, countLines, isTest, lineBudgetProblems } from './line-budget.mjs';

const budgets = { source: 4, test: 6 };

test('a source file over the budget is named with its lines and the budget', () => {
  const problems = lineBudgetProblems(
    [
      { path: 'packages/a/src/big.ts', lines: 5 },
      { path: 'packages/a/src/small.ts', lines: 4 },
    ],
    {},
    budgets,
  );
  assert.equal(problems.length, 1);
  assert.match(
    problems[0] ?? '',
    /^packages\/a\/src\/big\.ts: 5 lines, over the 4-line budget for source files/,
  );
});

test('tests have their own, larger budget', () => {
  const files = [
    { path: 'packages/a/src/big.test.ts', lines: 6 },
    { path: 'apps/demo/test/helper.ts', lines: 6 },
    { path: 'apps/demo/test/huge.test.ts', lines: 7 },
  ];
  assert.deepEqual(
    lineBudgetProblems(files, {}, budgets).map((p) => p.split(':')[0]),
    ['apps/demo/test/huge.test.ts'],
  );
  assert.match(
    lineBudgetProblems(files, {}, budgets)[0] ?? '',
    /7 lines, over the 6-line budget for test files/,
  );
});

test('an exception allows a file its listed size, no more, and is reported once it is not needed', () => {
  const exceptions = { 'scripts/long.mjs': { lines: 8, reason: 'one linear run' } };
  assert.deepEqual(
    lineBudgetProblems([{ path: 'scripts/long.mjs', lines: 8 }], exceptions, budgets),
    [],
  );
  const grown = lineBudgetProblems([{ path: 'scripts/long.mjs', lines: 9 }], exceptions, budgets);
  assert.match(
    grown[0] ?? '',
    /^scripts\/long\.mjs: 9 lines, over the 4-line budget and past the 8 its exception allows \(one linear run\)/,
  );
  const shrunk = lineBudgetProblems([{ path: 'scripts/long.mjs', lines: 3 }], exceptions, budgets);
  assert.match(shrunk[0] ?? '', /within the 4-line budget now; remove its line-budget exception/);
  const gone = lineBudgetProblems([], exceptions, budgets);
  assert.match(
    gone[0] ?? '',
    /^scripts\/long\.mjs: has a line-budget exception but no longer exists/,
  );
});

test('lines are counted as wc -l does, plus an unterminated last line', () => {
  assert.equal(countLines(''), 0);
  assert.equal(countLines('a\n'), 1);
  assert.equal(countLines('a\nb'), 2);
  assert.equal(countLines('a\n\nb\n'), 3);
});

test('tests are *.test.* files and files under test/, test-util/ or __fixtures__/', () => {
  assert.equal(isTest('packages/a/src/x.test.ts'), true);
  assert.equal(isTest('packages/a/src/test-util/run.ts'), true);
  assert.equal(isTest('apps/demo/test/fixtures/train-child.mjs'), true);
  assert.equal(isTest('packages/a/src/testing.ts'), false);
  assert.equal(isTest('packages/a/src/contest/x.ts'), false);
});

test('only hand-written code is counted: no dependencies, build output or declarations', () => {
  const root = mkdtempSync(join(tmpdir(), 'lacuna-line-budget-'));
  try {
    const put = (/** @type {string} */ path, /** @type {string} */ text) => {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    put('packages/a/src/a.ts', 'x\ny\n');
    put('packages/a/scripts/b.mjs', 'x\n');
    put('packages/a/src/types.d.ts', 'x\n');
    put('packages/a/src/k.generated.ts', 'x\n');
    put('packages/a/dist/index.js', 'x\n');
    put('packages/a/node_modules/dep/index.js', 'x\n');
    put('packages/a/README.md', 'x\n');
    put('scripts/c.mjs', 'x\n');
    assert.deepEqual(codeFiles(root), [
      { path: 'packages/a/scripts/b.mjs', lines: 1 },
      { path: 'packages/a/src/a.ts', lines: 2 },
      { path: 'scripts/c.mjs', lines: 1 },
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
