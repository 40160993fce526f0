// Code examples as the docs show them: ```ts fences in Markdown and in TSDoc `@example` blocks.
// One extractor for the release check (README examples against the packed packages) and the
// example check (every example against the workspace build).
import ts from 'typescript';

/**
 * @typedef {object} Example
 * @property {string} file the file the example sits in, relative to the repository root
 * @property {number} line the 1-based line of the example's first code line in that file
 * @property {string} symbol what the example documents: the declaration after its doc comment
 *   (`Class.member` inside a class), or the README section
 * @property {string} code the example's code, comment prefixes (` * `) removed
 * @property {string | null} noRun why the example is type-checked but not run (the fence's
 *   `no-run: <reason>` attribute), or null when it runs
 */

/**
 * The example's code preceded by blank lines, so that its line numbers are those of its file.
 * @param {Example} example
 */
export const paddedCode = (example) => '\n'.repeat(example.line - 1) + example.code;

/** An opening fence: ```ts, optionally followed by `no-run: <reason>`. */
const OPEN = /^```ts(?:\s+(.*))?$/;
const CLOSE = /^```\s*$/;

/**
 * The ```ts blocks among `lines`, whose first entry is line `firstLine` of `file`.
 * @param {string[]} lines
 * @param {number} firstLine
 * @param {string} file
 * @returns {{ line: number, code: string, noRun: string | null }[]}
 */
function fencedBlocks(lines, firstLine, file) {
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = OPEN.exec(lines[i].trimEnd());
    if (!open) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !CLOSE.test(lines[end])) end++;
    if (end === lines.length)
      throw new Error(`${file}:${firstLine + i}: a \`\`\`ts fence is never closed`);
    blocks.push({
      line: firstLine + start,
      code: `${lines.slice(start, end).join('\n')}\n`,
      noRun: noRunReason(open[1], `${file}:${firstLine + i}`),
    });
    i = end;
  }
  return blocks;
}

/**
 * The reason in a fence's `no-run: <reason>` attribute, or null for a fence without attributes.
 * @param {string | undefined} attributes
 * @param {string} where
 */
function noRunReason(attributes, where) {
  if (!attributes?.trim()) return null;
  const m = /^no-run:\s*(\S.*)$/.exec(attributes.trim());
  if (!m)
    throw new Error(
      `${where}: unknown fence attributes "${attributes.trim()}" (the only one is "no-run: <reason>")`,
    );
  return m[1];
}

/**
 * The ```ts examples of a Markdown file; each is named after the heading above it.
 * @param {string} text
 * @param {string} file
 * @returns {Example[]}
 */
export function markdownExamples(text, file) {
  const lines = text.split('\n');
  return fencedBlocks(lines, 1, file).map((block) => {
    const heading = lines
      .slice(0, block.line - 1)
      .reverse()
      .find((l) => /^#{1,6} /.test(l));
    return { file, ...block, symbol: heading ? heading.replace(/^#+ /, '') : '(top)' };
  });
}

/**
 * The ```ts examples in the doc comments of a TypeScript source file.
 * @param {string} text
 * @param {string} file
 * @returns {Example[]}
 */
export function docExamples(text, file) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  /** @type {Example[]} */
  const examples = [];
  const seen = new Set();
  /** @param {ts.Node} node */
  const visit = (node) => {
    for (const range of ts.getLeadingCommentRanges(text, node.pos) ?? []) {
      const comment = text.slice(range.pos, range.end);
      if (seen.has(range.pos) || !comment.startsWith('/**') || !comment.includes('```ts')) continue;
      seen.add(range.pos);
      const firstLine = source.getLineAndCharacterOfPosition(range.pos).line + 1;
      // Strip `/**`, `*/` and each line's ` * ` prefix; line numbers stay those of the file.
      const lines = comment
        .replace(/^\/\*\*/, '')
        .replace(/\*\/$/, '')
        .split('\n')
        .map((l) => l.replace(/^\s*\* ?/, ''));
      for (const block of fencedBlocks(lines, firstLine, file))
        examples.push({ file, ...block, symbol: symbolName(node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return examples;
}

/**
 * The name a reader looks up: `f`, `Class`, `Class.method`, `Interface.field`.
 * @param {ts.Node} node
 * @returns {string}
 */
function symbolName(node) {
  if (ts.isVariableStatement(node)) return symbolName(node.declarationList.declarations[0]);
  const own = ts.isConstructorDeclaration(node)
    ? 'constructor'
    : /** @type {{ name?: ts.Node }} */ (node).name?.getText();
  const parent = node.parent;
  const owner =
    parent && (ts.isClassLike(parent) || ts.isInterfaceDeclaration(parent)) && parent.name
      ? parent.name.text
      : null;
  if (!own) return owner ?? '(module)';
  return owner ? `${owner}.${own}` : own;
}
