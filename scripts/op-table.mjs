// The tensor README's "Where each op lives" table is the lookup from an op's name to its files
// (ops/, the gradient rule, both backends' kernels). This check keeps it true: every file it
// names exists, and every op the tensor package exports is in it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The README section that holds the table. */
export const OP_TABLE_HEADING = '## Where each op lives';

/**
 * The folders of the table's file columns, relative to the repository root, keyed by the column
 * header as the README writes it.
 * @type {Record<string, string>}
 */
export const OP_TABLE_COLUMNS = {
  'ops (`src/ops/`)': 'packages/tensor/src/ops',
  'gradient rule (`autograd/src/rules/`)': 'packages/autograd/src/rules',
  'reference kernel (`src/backend/reference/`)': 'packages/tensor/src/backend/reference',
  'AssemblyScript (`assembly/`)': 'packages/tensor/assembly',
  'wasm wrapper (`src/backend/wasm/kernels/`)': 'packages/tensor/src/backend/wasm/kernels',
};

/**
 * Splits a Markdown table row into trimmed cells.
 * @param {string} line
 */
function cells(line) {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => c.trim());
}

/**
 * Reads the table: the header and each row's cells.
 * @param {string} readme - The README's text.
 * @returns {{ header: string[], rows: string[][] } | undefined}
 */
export function readOpTable(readme) {
  const lines = readme.split('\n');
  const start = lines.indexOf(OP_TABLE_HEADING);
  if (start < 0) return undefined;
  lines.splice(0, start);
  const first = lines.findIndex((l) => l.startsWith('|'));
  const next = lines.findIndex((l, i) => i > 0 && l.startsWith('## '));
  if (first < 0 || (next >= 0 && next < first)) return undefined;
  const table = [];
  for (const line of lines.slice(first)) {
    if (!line.startsWith('|')) break;
    table.push(cells(line));
  }
  const [header, , ...rows] = table;
  return header ? { header, rows } : undefined;
}

/**
 * The op names a cell lists: each `name` in backticks.
 * @param {string} cell
 */
function namesIn(cell) {
  return [...cell.matchAll(/`([A-Za-z0-9]+)`/g)].map((m) => /** @type {string} */ (m[1]));
}

/**
 * Functions the tensor package's index exports from `./ops/`.
 * @param {string} indexSource - packages/tensor/src/index.ts.
 */
export function exportedOps(indexSource) {
  const ops = [];
  for (const m of indexSource.matchAll(/export \{([^}]*)\} from '\.\/ops\/[^']+';/g)) {
    for (const item of /** @type {string} */ (m[1]).split(',')) {
      const name = item.trim();
      if (name && !name.startsWith('type ')) ops.push(name);
    }
  }
  return ops;
}

/**
 * What is wrong with the op table, as messages (empty when it is right).
 * @param {string} root - The repository root.
 */
export function opTableProblems(root) {
  const readmePath = 'packages/tensor/README.md';
  const table = readOpTable(readFileSync(join(root, readmePath), 'utf8'));
  if (!table) return [`${readmePath}: no table under "${OP_TABLE_HEADING}"`];
  const problems = [];
  const columns = table.header.map((h) => OP_TABLE_COLUMNS[h]);
  const listed = new Set();
  for (const row of table.rows) {
    for (const name of namesIn(row[0] ?? '')) listed.add(name);
    row.slice(1).forEach((cell, i) => {
      const folder = columns[i + 1];
      if (!folder) return;
      for (const file of cell.match(/[a-z0-9-]+\.ts/g) ?? []) {
        if (!existsSync(join(root, folder, file)))
          problems.push(`${readmePath} op table: ${folder}/${file} does not exist (row ${row[0]})`);
      }
    });
  }
  const missingColumns = Object.keys(OP_TABLE_COLUMNS).filter((h) => !table.header.includes(h));
  if (missingColumns.length)
    problems.push(`${readmePath} op table: missing columns ${missingColumns.join(', ')}`);
  const index = readFileSync(join(root, 'packages/tensor/src/index.ts'), 'utf8');
  const unlisted = exportedOps(index).filter((op) => !listed.has(op));
  if (unlisted.length)
    problems.push(`${readmePath} op table: exported ops missing from it: ${unlisted.join(', ')}`);
  return problems;
}
