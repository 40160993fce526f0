// The consumer project: a fresh project outside the workspace that installs every tarball with
// plain npm, with no links into the repo. The later checks run in it.
import { lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Creates `app` and installs the tarballs into it with npm.
 * @param {import('./report.mjs').Report} report
 * @param {string} app - The project's folder, created here.
 * @param {string[]} tarballs
 * @param {import('./workspace.mjs').Manifest[]} manifests - The packages the tarballs hold.
 */
export function installConsumer(report, app, tarballs, manifests) {
  const { check, fail } = report;
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'lacuna-consumer', private: true, version: '1.0.0' }, null, 2),
  );
  check(
    'npm install of all tarballs',
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs],
    { cwd: app },
  );
  const linked = manifests.filter(({ pkg }) => {
    try {
      return lstatSync(join(app, 'node_modules', pkg.name)).isSymbolicLink();
    } catch {
      return true;
    }
  });
  if (linked.length)
    fail(
      `packages missing or linked instead of installed: ${linked.map(({ pkg }) => pkg.name).join(', ')}`,
    );
}
