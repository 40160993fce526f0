#!/usr/bin/env node
// The README's two quick-start commands, read from the README itself so that CI runs exactly what
// a new user copies. Each sits in a ```sh block right after a marker comment:
//   <!-- quick-start:demo -->   and   <!-- quick-start:test -->
// Usage: node scripts/quick-start.mjs demo|test   (prints the command)
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Extracts the demo and test commands from README text; throws if either is missing or multi-line.
 * @param {string} readme
 */
export function quickStart(readme) {
  /** @param {string} name */
  const grab = (name) => {
    const m = readme.match(
      new RegExp(`<!-- quick-start:${name} -->\\s*\`\`\`sh\\n([^\\n]+)\\n\`\`\``),
    );
    if (!m)
      throw new Error(
        `README.md must hold one single-line \`\`\`sh block after <!-- quick-start:${name} -->`,
      );
    return m[1].trim();
  };
  return { demo: grab('demo'), test: grab('test') };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const which = process.argv[2];
  if (which !== 'demo' && which !== 'test') {
    console.error('usage: node scripts/quick-start.mjs demo|test');
    process.exit(2);
  }
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  console.log(quickStart(readFileSync(join(root, 'README.md'), 'utf8'))[which]);
}
