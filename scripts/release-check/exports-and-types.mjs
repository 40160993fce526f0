// The package's entry points and type declarations as tools see them: publint for the
// package.json fields, arethetypeswrong for the types under every resolution profile.
import { bin } from './workspace.mjs';

/**
 * @param {import('./report.mjs').Report} report
 * @param {string} tarball
 */
export function checkExportsAndTypes(report, tarball) {
  report.check('publint', bin('publint'), ['run', tarball, '--strict']);
  // Every resolution profile: node10 (`moduleResolution: node`, no `exports`), node16 CJS and
  // ESM, bundler. Subpaths such as /node resolve under node10 through `typesVersions`.
  report.check('arethetypeswrong (node10, node16 CJS + ESM, bundler)', bin('attw'), [
    tarball,
    '--format',
    'ascii',
    '--no-emoji',
    '--no-color',
  ]);
}
