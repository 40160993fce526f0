// README examples are promised to run: each runs against the tarballs, its result comments
// checked (scripts/examples/results.mjs has the rule; check-examples.mjs type-checks them).
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { markdownExamples } from '../examples/extract.mjs';
import { prepareExample } from '../examples/prepare.mjs';
import { root } from './workspace.mjs';

/**
 * Runs every ```ts example of the root README and the packages' READMEs in the consumer project.
 * @param {import('./report.mjs').Report} report
 * @param {string} app - The consumer project.
 * @param {import('./workspace.mjs').Manifest[]} manifests
 */
export async function checkReadmeExamples(report, app, manifests) {
  const { check, ok } = report;
  const readmes = [
    'README.md',
    ...manifests.map(({ dir }) => relative(root, join(dir, 'README.md'))),
  ];
  for (const readme of readmes) {
    for (const example of markdownExamples(readFileSync(join(root, readme), 'utf8'), readme)) {
      const label = `${readme}:${example.line} example (${example.symbol})`;
      if (example.noRun !== null) {
        ok(`${label} not run: ${example.noRun}`);
        continue;
      }
      const { js } = await prepareExample(example, join(root, readme));
      const file = join(app, `readme-${readme.replace(/[^\w]+/g, '-')}-${example.line}.mjs`);
      writeFileSync(file, js);
      check(`${label} runs`, process.execPath, [file], { cwd: app });
    }
  }
}
