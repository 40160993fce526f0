// The example check's own tests (node --test scripts/examples): which comments are results, what
// matches them, and that a prepared example fails on a wrong result and names where.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { docExamples, markdownExamples } from './extract.mjs';
import { instrument, prepareExample } from './prepare.mjs';
import { mismatch, parseResultComment } from './results.mjs';

/** @param {string} comment */
const kind = (comment) => parseResultComment(comment).kind;
/**
 * @param {unknown} actual
 * @param {string} comment
 */
const matches = (actual, comment) => {
  const parsed = parseResultComment(comment);
  assert.equal(parsed.kind, 'result', comment);
  return parsed.values.length === 1 && mismatch(actual, parsed.values[0]) === null;
};

describe('result comments', () => {
  it('a comment that starts with a literal states a result; explanation may follow a separator', () => {
    for (const c of ['3', '[1, 2]', "'identity'", 'null', 'true false', "[2, 2] 'float32'"])
      assert.equal(kind(c), 'result', c);
    for (const c of ['false: nothing requires gradients', '1.6666… (unbiased)', '[0] — why'])
      assert.equal(kind(c), 'result', c);
  });

  it('a comment that starts with a word or a sign is explanation', () => {
    for (const c of ['≈ 0.5', 'e.g. [3, 0, 1]', 'every entry 4', 'A·Aᵀ = [[5]]', '[N, 784]', 'ok'])
      assert.equal(kind(c), 'explanation', c);
  });

  it('a literal that runs on into words is ambiguous', () => {
    assert.equal(kind('50 per class'), 'ambiguous');
    assert.equal(kind("'wasm-simd' on a 2-core machine"), 'ambiguous');
  });

  it('numbers match exactly, or as the float32 they round to', () => {
    assert.ok(matches(0.5, '0.5'));
    assert.ok(matches(Math.fround(0.1), '0.1'));
    assert.ok(!matches(0.1000001, '0.1'));
    assert.ok(!matches(1.1999999284744263, '1.2'), 'one float32 step below 1.2 is not 1.2');
  });

  it('an ellipsis after a number allows one unit of its last digit', () => {
    assert.ok(matches(0.8413447, '0.8413…'));
    assert.ok(matches(-1.7580993, '-1.7581…'));
    assert.ok(!matches(0.9212845, '0.9129…'));
  });

  it('arrays, typed arrays, objects and special values match element by element', () => {
    assert.ok(matches([[1, 2]], '[[1, 2]]'));
    assert.ok(!matches([1, 2, 3], '[1, 2]'));
    assert.ok(matches([64, 64, 64], '[64, 64, …]'));
    assert.ok(matches(new Float32Array([1, 2]), 'Float32Array [1, 2]'));
    assert.ok(!matches([1, 2], 'Float32Array [1, 2]'));
    assert.ok(
      matches(
        { shape: [2], data: new Uint8Array([7, 9]) },
        '{ shape: [2], data: Uint8Array [7, 9] }',
      ),
    );
    assert.ok(!matches({ a: 1, b: 2 }, '{ a: 1 }'), 'objects need exactly the keys written');
    assert.ok(matches(Number.NaN, 'NaN'));
    assert.ok(matches(undefined, 'undefined'));
    assert.ok(matches('a "b"', '\'a "b"\''));
  });
});

describe('extraction', () => {
  it('finds doc-comment examples with their line and symbol, and the no-run reason', () => {
    const source = [
      'class Box {',
      '  /**',
      '   * Opens.',
      '   * @example',
      '   * ```ts',
      '   * new Box().open(); // 1',
      '   * ```',
      '   */',
      '  open() { return 1; }',
      '}',
      '/**',
      ' * ```ts no-run: reads /data',
      ' * load();',
      ' * ```',
      ' */',
      'export function load() {}',
    ].join('\n');
    const [open, load] = docExamples(source, 'box.ts');
    assert.deepEqual(
      { line: open.line, symbol: open.symbol, code: open.code, noRun: open.noRun },
      { line: 6, symbol: 'Box.open', code: 'new Box().open(); // 1\n', noRun: null },
    );
    assert.deepEqual(
      { line: load.line, symbol: load.symbol, noRun: load.noRun },
      {
        line: 13,
        symbol: 'load',
        noRun: 'reads /data',
      },
    );
  });

  it('names Markdown examples after their heading and refuses unknown fence attributes', () => {
    const [example] = markdownExamples('# Top\n\n## Use\n\n```ts\nf();\n```\n', 'README.md');
    assert.equal(example.symbol, 'Use');
    assert.equal(example.line, 6);
    assert.throws(() => markdownExamples('```ts skip\nf();\n```\n', 'README.md'), /unknown fence/);
  });
});

describe('prepared examples', () => {
  it('checks expression statements and console.log, never declarations', () => {
    const { text, checks } = instrument(
      'const a = [1]; // [1]\nconsole.log(a, 2); // [1] 2\na.length; // 1\n',
      { file: 'x.ts', symbol: 'x' },
    );
    assert.equal(checks, 2);
    assert.match(text, /^const a = \[1\]; \/\/ \[1\]$/m);
    assert.match(
      text,
      /console\.log\(\.\.\.__exampleLog\("x\.ts:2 \(x\)", "\[1\] 2", \[a, 2\]\)\)/,
    );
  });

  it('refuses an ambiguous result comment, naming the line', () => {
    assert.throws(
      () => instrument('\nf(); // 3 elements\n', { file: 'x.ts', symbol: 'f' }),
      /x\.ts:2 \(f\): "3 elements"/,
    );
  });

  it('a run fails on a wrong result or a check never reached, naming file, line and symbol', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lacuna-examples-test-'));
    try {
      /** @param {string} code */
      const run = async (code) => {
        const example = { file: 'm.ts', line: 3, symbol: 'sum', code, noRun: null };
        const file = join(dir, 'example.mjs');
        writeFileSync(file, (await prepareExample(example, join(dir, 'm.ts'))).js);
        try {
          execFileSync(process.execPath, [file], { encoding: 'utf8', stdio: 'pipe' });
          return '';
        } catch (error) {
          return /** @type {{ stderr: string }} */ (error).stderr;
        }
      };
      assert.equal(await run('[1, 2].length; // 2\nconsole.log(1 + 1); // 2\n'), '');
      assert.match(
        await run('const x: number = 1;\n[x, 2].length; // 3\n'),
        /m\.ts:4 \(sum\): the result comment "\/\/ 3" does not hold: expected 3, got 2/,
      );
      assert.match(
        await run('function never() {\n  return 1; // unreachable\n  [].length; // 0\n}\n'),
        /m\.ts:5 \(sum\): the result comment was never reached/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
