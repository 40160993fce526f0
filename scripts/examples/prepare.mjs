// Turns an example into a module Node runs: its result comments become checks (results.mjs has
// the rule), then esbuild strips the types. Code is only inserted, never moved, so every line
// keeps its number and stack traces (with the inline source map) point at the example's lines.
import { pathToFileURL } from 'node:url';
import { transform } from 'esbuild';
import ts from 'typescript';
import { paddedCode } from './extract.mjs';
import { parseResultComment } from './results.mjs';

const HOOKS = pathToFileURL(new URL('./results.mjs', import.meta.url).pathname).href;

/**
 * @param {import('./extract.mjs').Example} example
 * @param {string} sourcefile the path stack traces name (the example's file, absolute)
 * @returns {Promise<{ js: string, checks: number }>}
 */
export async function prepareExample(example, sourcefile) {
  const { text, checks } = instrument(paddedCode(example), example);
  const { code: js } = await transform(text, {
    loader: 'ts',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    sourcefile,
  });
  return { js, checks };
}

/**
 * Wraps each checked statement: `expr; // 3` → `__exampleResult(where, '3', (expr));` and
 * `console.log(a, b); // 1 2` → `console.log(...__exampleLog(where, '1 2', [a, b]));`.
 * @param {string} code
 * @param {{ file: string, symbol: string }} at
 * @returns {{ text: string, checks: number }}
 */
export function instrument(code, at) {
  const source = ts.createSourceFile('example.ts', code, ts.ScriptTarget.Latest, true);
  /** @type {{ pos: number, text: string }[]} */
  const inserts = [];
  /** @type {string[]} */
  const wheres = [];
  /** @param {ts.Node} node */
  const visit = (node) => {
    if (ts.isExpressionStatement(node)) checkStatement(node);
    ts.forEachChild(node, visit);
  };
  /** @param {ts.ExpressionStatement} statement */
  const checkStatement = (statement) => {
    const comment = (ts.getTrailingCommentRanges(code, statement.end) ?? []).find(
      (c) => c.kind === ts.SyntaxKind.SingleLineCommentTrivia,
    );
    if (!comment) return;
    const text = code.slice(comment.pos + 2, comment.end).trim();
    const line = source.getLineAndCharacterOfPosition(statement.getStart()).line + 1;
    const where = `${at.file}:${line} (${at.symbol})`;
    const parsed = parseResultComment(text);
    if (parsed.kind === 'ambiguous') throw new Error(`${where}: ${parsed.reason}`);
    if (parsed.kind !== 'result') return;
    const expr = statement.expression;
    if (ts.isBinaryExpression(expr) && isAssignment(expr.operatorToken.kind))
      throw new Error(
        `${where}: an assignment cannot state a result; put the result comment on its own expression`,
      );
    const args = JSON.stringify(where) + ', ' + JSON.stringify(text);
    wheres.push(where);
    if (isConsoleLog(expr)) {
      inserts.push({ pos: expr.arguments.pos, text: `...__exampleLog(${args}, [` });
      inserts.push({ pos: expr.arguments.end, text: '])' });
    } else {
      inserts.push({ pos: expr.getStart(), text: `__exampleResult(${args}, (` });
      inserts.push({ pos: expr.end, text: '))' });
    }
  };
  visit(source);
  // Later positions first, so that earlier ones stay valid; at one position, the one pushed later
  // first, so that the pieces end up in the order they were pushed.
  let text = code;
  const ordered = inserts.map((insert, order) => ({ ...insert, order }));
  for (const { pos, text: piece } of ordered.sort((a, b) => b.pos - a.pos || b.order - a.order))
    text = text.slice(0, pos) + piece + text.slice(pos);
  if (wheres.length)
    text += `\n__exampleEnd(${JSON.stringify(wheres)});\nimport { __exampleEnd, __exampleLog, __exampleResult } from ${JSON.stringify(HOOKS)};\n`;
  return { text, checks: wheres.length };
}

/** @param {ts.SyntaxKind} kind */
const isAssignment = (kind) =>
  kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;

/**
 * @param {ts.Expression} expr
 * @returns {expr is ts.CallExpression}
 */
const isConsoleLog = (expr) =>
  ts.isCallExpression(expr) &&
  ts.isPropertyAccessExpression(expr.expression) &&
  expr.expression.getText() === 'console.log';
