import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { exportedOps, OP_TABLE_COLUMNS, opTableProblems, readOpTable } from './op-table.mjs';

const header = `| op | ${Object.keys(OP_TABLE_COLUMNS).join(' | ')} |`;
const separator = `|${' --- |'.repeat(6)}`;

/**
 * A scratch repository with the given README table rows, index exports and files.
 * @param {string[]} rows
 * @param {string} index
 * @param {string[]} files
 */
function scratch(rows, index, files) {
  const root = mkdtempSync(join(tmpdir(), 'op-table-'));
  const readme = `# t\n\n## Where each op lives\n\nText.\n\n${[header, separator, ...rows].join('\n')}\n\n## Next\n`;
  mkdirSync(join(root, 'packages/tensor/src'), { recursive: true });
  writeFileSync(join(root, 'packages/tensor/README.md'), readme);
  writeFileSync(join(root, 'packages/tensor/src/index.ts'), index);
  for (const f of files) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), '');
  }
  return root;
}

const allFiles = Object.values(OP_TABLE_COLUMNS).map((dir) => `${dir}/matmul.ts`);

test('reads the rows under the heading, not the next section', () => {
  const table = readOpTable(
    `## Where each op lives\n\n${header}\n${separator}\n| \`a\` | x.ts |\n\nafter\n| no |`,
  );
  assert.deepEqual(table?.rows, [['`a`', 'x.ts']]);
});

test('lists the functions the index exports from ops/, not types', () => {
  const index =
    "export { type MatmulOptions, matmul } from './ops/matmul.js';\nexport { x } from './other.js';\n";
  assert.deepEqual(exportedOps(index), ['matmul']);
});

test('a complete table with existing files passes', () => {
  const root = scratch(
    ['| `matmul` | matmul.ts | matmul.ts | matmul.ts | matmul.ts | matmul.ts |'],
    "export { matmul } from './ops/matmul.js';\n",
    allFiles,
  );
  assert.deepEqual(opTableProblems(root), []);
});

test('a file that does not exist is named with its folder', () => {
  const root = scratch(
    ['| `matmul` | matmul.ts | matmul.ts | matmul.ts | gemm.ts | matmul.ts |'],
    "export { matmul } from './ops/matmul.js';\n",
    allFiles,
  );
  assert.deepEqual(opTableProblems(root), [
    'packages/tensor/README.md op table: packages/tensor/assembly/gemm.ts does not exist (row `matmul`)',
  ]);
});

test('an exported op missing from the table is named', () => {
  const root = scratch(
    ['| `matmul` | matmul.ts | matmul.ts | matmul.ts | matmul.ts | matmul.ts |'],
    "export { matmul } from './ops/matmul.js';\nexport { conv2d } from './ops/conv2d.js';\n",
    allFiles,
  );
  assert.deepEqual(opTableProblems(root), [
    'packages/tensor/README.md op table: exported ops missing from it: conv2d',
  ]);
});
