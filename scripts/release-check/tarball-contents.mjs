// What is inside a tarball: no tests, real dependency ranges, source maps that resolve, the
// metadata npm and CDN users see, and @lacuna packages taken as peers.
import { mkdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { run } from './report.mjs';

/**
 * Extracts a tarball into `extract` and checks its files and its packed package.json.
 * @param {import('./report.mjs').Report} report
 * @param {string} tarball
 * @param {string} extract - A folder to extract into.
 */
export function checkTarballContents(report, tarball, extract) {
  const { ok, fail } = report;
  const entries = run('tar', ['-tzf', tarball]).split('\n').filter(Boolean);
  const files = new Set(entries);
  const unwanted = entries.filter((e) =>
    /\.test\.[cm]?[jt]s$|__fixtures__|\/fixtures\/|test-util\/|\.tsbuildinfo$/.test(e),
  );
  if (unwanted.length) fail(`tarball holds test files or fixtures: ${unwanted.join(', ')}`);
  else ok(`no tests or fixtures among ${entries.length} files`);

  mkdirSync(extract, { recursive: true });
  run('tar', ['-xzf', tarball, '-C', extract]);
  const packed = JSON.parse(readFileSync(join(extract, 'package', 'package.json'), 'utf8'));
  const ranges = Object.entries({ ...packed.dependencies, ...packed.peerDependencies });
  const unresolved = ranges.filter(([, r]) => /^(workspace|catalog):/.test(r));
  if (unresolved.length)
    fail(`packed package.json keeps ${unresolved.map(([n, r]) => `${n}@${r}`).join(', ')}`);
  else
    ok(
      `dependency ranges are real semver: ${ranges.map(([n, r]) => `${n}@${r}`).join(', ') || 'none'}`,
    );

  // Every source map must point at files inside the tarball.
  // Bundled third-party code (seedrandom's Alea in @lacuna/tensor) is the exception: its source
  // lives in node_modules, so the map must embed it.
  const badSources = [];
  for (const map of entries.filter((e) => e.endsWith('.map'))) {
    const { sources = [], sourcesContent = [] } = JSON.parse(
      readFileSync(join(extract, map), 'utf8'),
    );
    for (const [i, src] of sources.entries()) {
      const target = posix.normalize(posix.join(posix.dirname(map), src));
      const bundled = src.includes('/node_modules/') && typeof sourcesContent[i] === 'string';
      if (!bundled && (!target.startsWith('package/') || !files.has(target)))
        badSources.push(`${map} → ${src}`);
    }
  }
  if (badSources.length)
    fail(`source maps point outside the package: ${badSources.slice(0, 5).join(', ')}`);
  else ok('source maps resolve inside the package');

  // What npm and CDN users see: metadata, the changelog, peers, a browser entry.
  const missingMeta = ['homepage', 'bugs', 'repository', 'license', 'description'].filter(
    (k) => !packed[k],
  );
  if (!files.has('package/CHANGELOG.md')) missingMeta.push('CHANGELOG.md in the tarball');
  for (const field of ['unpkg', 'jsdelivr']) {
    const target = packed[field] && posix.normalize(posix.join('package', packed[field]));
    if (!target || !files.has(target) || !target.endsWith('.js'))
      missingMeta.push(`${field} → an ESM file in the tarball`);
  }
  if (missingMeta.length) fail(`packed package lacks ${missingMeta.join(', ')}`);
  else ok(`homepage, bugs, CHANGELOG.md, unpkg/jsdelivr → ${packed.unpkg}`);
  const lacunaDeps = Object.keys(packed.dependencies ?? {}).filter((n) => n.startsWith('@lacuna/'));
  const peers = Object.keys(packed.peerDependencies ?? {});
  if (lacunaDeps.length)
    fail(`@lacuna packages must be peer dependencies, found in dependencies: ${lacunaDeps}`);
  else ok(`Lacuna packages taken as peers: ${peers.join(', ') || 'none'}`);
}
