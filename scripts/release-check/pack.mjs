// Packing: pnpm pack turns `workspace:` and `catalog:` ranges into real semver ranges, as
// `pnpm publish` would.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runPnpm } from './workspace.mjs';

/**
 * Packs one package into `tarballDir` and reports the tarball's name and size.
 * @param {import('./report.mjs').Report} report
 * @param {string} dir - The package's folder.
 * @param {string} tarballDir
 * @returns {string} The tarball's path.
 */
export function pack(report, dir, tarballDir) {
  const before = new Set(readdirSync(tarballDir));
  runPnpm(['pack', '--pack-destination', tarballDir], { cwd: dir });
  const file = readdirSync(tarballDir).find((f) => !before.has(f));
  const tarball = join(tarballDir, /** @type {string} */ (file));
  const size = statSync(tarball).size;
  report.ok(`packed ${file}: ${(size / 1024).toFixed(1)} KiB`);
  return tarball;
}
