// Two versions of @lacuna/tensor in one project, as npm lays them out when a library pins another
// version: the app's @lacuna/tensor at the top, a bumped copy nested under the library. Objects of
// one version reaching code of the other must fail with a VersionConflictError naming both
// versions and both paths (not "must be a Generator").
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { run } from './report.mjs';

/** The library that pins the other version: a Generator and Tensor factory and a consumer. */
const libIndex = `import { Generator, sum, tensor } from '@lacuna/tensor';
export const makeGenerator = () => new Generator(0);
export const makeTensor = () => tensor([1, 2]);
export const total = (t) => sum(t).item();
`;

/**
 * Unpacks the @lacuna/tensor tarball as `nested` and makes it "be" the next version: its
 * package.json and the version built into its brands.
 * @param {{ tarball: string, work: string, nested: string, topVersion: string,
 *   nestedVersion: string }} copy
 * @returns {number} How many dist files had the version built in (0: nothing to bump).
 */
function nestBumpedCopy({ tarball, work, nested, topVersion, nestedVersion }) {
  mkdirSync(dirname(nested), { recursive: true });
  const unpack = mkdtempSync(join(work, 'nested-'));
  run('tar', ['-xzf', tarball, '-C', unpack]);
  renameSync(join(unpack, 'package'), nested);
  const manifest = JSON.parse(readFileSync(join(nested, 'package.json'), 'utf8'));
  writeFileSync(
    join(nested, 'package.json'),
    JSON.stringify({ ...manifest, version: nestedVersion }, null, 2),
  );
  let stamped = 0;
  for (const file of readdirSync(join(nested, 'dist')).filter((f) => /\.c?js$/.test(f))) {
    const path = join(nested, 'dist', file);
    const code = readFileSync(path, 'utf8');
    const next = code.replaceAll(
      `"${topVersion}" : "0.0.0-source"`,
      `"${nestedVersion}" : "0.0.0-source"`,
    );
    if (next !== code) {
      stamped++;
      writeFileSync(path, next);
    }
  }
  return stamped;
}

/**
 * The messages each conflict must have, as regular expressions: both versions and both paths.
 * @param {string} topVersion
 * @param {string} nestedVersion
 */
function conflictPatterns(topVersion, nestedVersion) {
  /** @param {string} text */
  const esc = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const both =
    `from @lacuna/tensor ${esc(nestedVersion)} \\(file:[^)]*/lacuna-nested-lib/node_modules/@lacuna/tensor/dist/[^)]*\\), ` +
    `but this code is @lacuna/tensor ${esc(topVersion)} \\(file:[^)]*/consumer/node_modules/@lacuna/tensor/dist/[^)]*\\): two versions`;
  return {
    generator: `^Linear: argument 'options.generator' is a Generator ${both}`,
    add: `^add: argument 'a' is a Tensor ${both}`,
    reverse: `^sum: argument 'x' is a Tensor from @lacuna/tensor ${esc(topVersion)} .*but this code is @lacuna/tensor ${esc(nestedVersion)}`,
  };
}

/**
 * The program that passes objects of each version to code of the other.
 * @param {Record<string, string>} patterns - From conflictPatterns.
 * @param {string} topVersion
 * @param {string} nestedVersion
 */
function nestedProgram(patterns, topVersion, nestedVersion) {
  return `import * as tensor from '@lacuna/tensor';
import * as layers from '@lacuna/layers';
import * as lib from 'lacuna-nested-lib';
const patterns = ${JSON.stringify(patterns)};
const assert = (cond, msg) => { if (!cond) { throw new Error('nested versions check failed: ' + msg); } };
assert(lib.total(lib.makeTensor()) === 3, 'the nested copy works on its own');
const conflict = (fn, pattern, what, ours, theirs) => {
  try { fn(); } catch (e) {
    assert(e.name === 'VersionConflictError' && e instanceof tensor.LacunaError, what + ': threw ' + e);
    assert(new RegExp(pattern).test(e.message), what + ': message ' + e.message);
    assert(e.ours.version === ours && e.theirs.version === theirs, what + ': versions');
    return;
  }
  assert(false, what + ': no error');
};
const top = '${topVersion}';
const nested = '${nestedVersion}';
conflict(() => new layers.Linear(2, 3, { generator: lib.makeGenerator() }), patterns.generator,
  'a Generator of the nested version in Linear', top, nested);
conflict(() => tensor.add(lib.makeTensor(), tensor.ones([2])), patterns.add,
  'a Tensor of the nested version in add', top, nested);
conflict(() => lib.total(tensor.ones([2])), patterns.reverse, 'a top-level Tensor in the nested version', nested, top);
console.log('nested versions: VersionConflictError both ways');
`;
}

/**
 * Nests a copy of the @lacuna/tensor tarball, stamped as the next minor version, under a library
 * in the consumer project, and checks that the two versions meet with a VersionConflictError.
 * @param {import('./report.mjs').Report} report
 * @param {{ app: string, work: string, manifests: import('./workspace.mjs').Manifest[],
 *   tarballs: string[] }} project - The consumer project, the scratch folder, and the packages
 *   with their tarballs (in the same order).
 */
export function checkNestedVersions(report, { app, work, manifests, tarballs }) {
  const { check, fail } = report;
  const index = manifests.findIndex(({ pkg }) => pkg.name === '@lacuna/tensor');
  const topVersion = manifests[index].pkg.version;
  const [major, minor] = topVersion.split('.').map(Number);
  const nestedVersion = `${major}.${minor + 1}.0`;
  const lib = join(app, 'node_modules', 'lacuna-nested-lib');
  const nested = join(lib, 'node_modules', '@lacuna', 'tensor');
  const tarball = tarballs[index];
  const stamped = nestBumpedCopy({ tarball, work, nested, topVersion, nestedVersion });
  writeFileSync(
    join(lib, 'package.json'),
    JSON.stringify({
      name: 'lacuna-nested-lib',
      version: '1.0.0',
      type: 'module',
      exports: './index.js',
      dependencies: { '@lacuna/tensor': nestedVersion },
    }),
  );
  writeFileSync(join(lib, 'index.js'), libIndex);
  const patterns = conflictPatterns(topVersion, nestedVersion);
  writeFileSync(join(app, 'nested.mjs'), nestedProgram(patterns, topVersion, nestedVersion));
  if (stamped === 0) fail('nested copy: no built-in version string found to bump in dist/');
  else
    check(
      `@lacuna/tensor ${topVersion} and a nested ${nestedVersion} meet with a VersionConflictError naming both`,
      process.execPath,
      ['nested.mjs'],
      { cwd: app },
    );
}
