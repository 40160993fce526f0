#!/usr/bin/env node
// The release check: what a user who runs `npm install @lacuna/<pkg>` gets must work.
//
// For every publishable package under packages/: pack it with pnpm (so `workspace:` and
// `catalog:` ranges become real semver ranges), inspect the tarball, run publint and
// @arethetypeswrong/cli on it, install every tarball with plain npm into a fresh project outside
// the workspace, then import it from ESM, require it from CJS, type-check a TypeScript consumer,
// and bundle the browser-safe entries for the browser, failing on any Node built-in. Then: one
// process that mixes ESM imports and CJS requires of the packages and passes tensors and
// generators across; two versions of @lacuna/tensor nested in one project, which must meet with a
// VersionConflictError naming both; error class names in the built bundles; and, where Chromium
// is installed, a page that loads the ESM builds with an import map and no bundler.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { markdownExamples } from './examples/extract.mjs';
import { prepareExample } from './examples/prepare.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** @param {string} name */
const bin = (name) => join(root, 'node_modules', '.bin', name);
/** @type {string[]} */
const failures = [];
/** @param {string} msg */
const fail = (msg) => {
  failures.push(msg);
  console.error(`  ✗ ${msg}`);
};
/** @param {string} msg */
const ok = (msg) => console.log(`  ✓ ${msg}`);

/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {import('node:child_process').ExecFileSyncOptions} [options]
 * @returns {string} The command's stdout.
 */
function run(cmd, args, options = {}) {
  // encoding 'utf8' makes it a string, which the overloads cannot see through the spread.
  return /** @type {string} */ (
    execFileSync(cmd, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
    })
  );
}

/**
 * Runs a command and reports its output on failure instead of throwing.
 * @param {string} label
 * @param {string} cmd
 * @param {string[]} args
 * @param {import('node:child_process').ExecFileSyncOptions} [options]
 */
function check(label, cmd, args, options = {}) {
  try {
    run(cmd, args, options);
    ok(label);
    return true;
  } catch (error) {
    const { stdout, stderr } = /** @type {{ stdout?: string, stderr?: string }} */ (error);
    fail(`${label}\n${stdout ?? ''}${stderr ?? ''}`.trimEnd());
    return false;
  }
}

// pnpm is the one running this script (`pnpm test`); reuse it rather than assuming a global one.
/** @type {[string, string[]]} */
const pnpm =
  process.env.npm_execpath && /pnpm/.test(process.env.npm_execpath)
    ? [process.execPath, [process.env.npm_execpath]]
    : ['pnpm', []];
/** @param {string[]} args @param {import('node:child_process').ExecFileSyncOptions} [options] */
const runPnpm = (args, options) => run(pnpm[0], [...pnpm[1], ...args], options);

const packageDirs = readdirSync(join(root, 'packages'))
  .map((d) => join(root, 'packages', d))
  .filter((d) => statSync(join(d, 'package.json'), { throwIfNoEntry: false }));
const manifests = packageDirs.map((dir) => ({
  dir,
  pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')),
}));

console.log('Release check: building packages');
run(bin('turbo'), ['run', 'build', '--filter=./packages/*', '--output-logs=errors-only'], {
  cwd: root,
  stdio: 'inherit',
});

const work = mkdtempSync(join(tmpdir(), 'lacuna-release-'));
const tarballDir = join(work, 'tarballs');
mkdirSync(tarballDir);
const tarballs = [];

for (const { dir, pkg } of manifests) {
  console.log(`\n${pkg.name}@${pkg.version}`);
  const before = new Set(readdirSync(tarballDir));
  runPnpm(['pack', '--pack-destination', tarballDir], { cwd: dir });
  const file = readdirSync(tarballDir).find((f) => !before.has(f));
  const tarball = join(tarballDir, /** @type {string} */ (file));
  tarballs.push(tarball);
  const size = statSync(tarball).size;
  ok(`packed ${file}: ${(size / 1024).toFixed(1)} KiB`);

  const entries = run('tar', ['-tzf', tarball]).split('\n').filter(Boolean);
  const files = new Set(entries);
  const unwanted = entries.filter((e) =>
    /\.test\.[cm]?[jt]s$|__fixtures__|\/fixtures\/|test-util\/|\.tsbuildinfo$/.test(e),
  );
  if (unwanted.length) fail(`tarball holds test files or fixtures: ${unwanted.join(', ')}`);
  else ok(`no tests or fixtures among ${entries.length} files`);

  const extract = join(work, 'extract', pkg.name.replace('/', '__'));
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

  check('publint', bin('publint'), ['run', tarball, '--strict']);
  // Every resolution profile: node10 (`moduleResolution: node`, no `exports`), node16 CJS and
  // ESM, bundler. Subpaths such as /node resolve under node10 through `typesVersions`.
  check('arethetypeswrong (node10, node16 CJS + ESM, bundler)', bin('attw'), [
    tarball,
    '--format',
    'ascii',
    '--no-emoji',
    '--no-color',
  ]);
}

// A consumer project outside the workspace: plain npm, real tarballs, no links into the repo.
console.log('\nConsumer project (npm install of the tarballs)');
const app = join(work, 'consumer');
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

// The same small program in both module systems: a real computation with asserted results.
/** @param {string} load - The statements that bind tensor, autograd, layers, optim, datasets. */
const program = (load) => `
${load}
const assert = (cond, msg) => { if (!cond) { throw new Error('consumer check failed: ' + msg); } };
const a = tensor.tensor([[1, 2], [3, 4]]);
assert(JSON.stringify(tensor.matmul(a, a).toArray()) === '[[7,10],[15,22]]', 'matmul');
const x = tensor.tensor([1, 2, 3]);
const { value, grads } = autograd.valueAndGrad((t) => tensor.sum(tensor.mul(t, t)))(x);
assert(value.item() === 14 && JSON.stringify(grads[0].toArray()) === '[2,4,6]', 'valueAndGrad');
const g = new tensor.Generator(0);
const net = new layers.Sequential(new layers.Linear(2, 8, { generator: g }), new layers.ReLU(), new layers.Dropout(0.5, { generator: g.fork() }), new layers.Linear(8, 2, { generator: g }));
const data = datasets.twoMoons(64, { generator: g, noise: 0.1 });
const opt = new optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
const loss = () => layers.crossEntropy(net.forward(data.x), data.y);
net.eval(); const before = loss().item(); net.train();
for (let i = 0; i < 60; i++) { opt.zeroGrad(); autograd.backward(loss()); opt.step(); }
net.eval(); const after = loss().item();
assert(after < before * 0.7, 'training lowers the loss: ' + before + ' -> ' + after);
// Error classes keep their names in the bundles (esbuild renamed LacunaError to _LacunaError).
const errorClasses = { tensor: ['LacunaError', 'ShapeError', 'DTypeError', 'ArgumentRangeError'],
  autograd: ['GradientError'], layers: ['SafetensorsError'], datasets: ['DatasetFormatError', 'IdxFormatError'] };
const modules = { tensor, autograd, layers, datasets };
for (const [pkg, names] of Object.entries(errorClasses)) {
  for (const name of names) {
    const e = new modules[pkg][name]('op', 'arg', 'bad');
    assert(e.name === name && String(e) === name + ": op: argument 'arg' bad" && e instanceof tensor.LacunaError,
      pkg + ' ' + name + ' prints as ' + String(e));
  }
}
assert(tensor.VersionConflictError.name === 'VersionConflictError', 'VersionConflictError name');
const idx = datasetsNode.readIdxFile;
assert(typeof idx === 'function', 'datasets/node entry');
console.log('loss ' + before.toFixed(3) + ' -> ' + after.toFixed(3));
`;
writeFileSync(
  join(app, 'check.mjs'),
  program(`import * as tensor from '@lacuna/tensor';
import * as autograd from '@lacuna/autograd';
import * as layers from '@lacuna/layers';
import * as optim from '@lacuna/optim';
import * as datasets from '@lacuna/datasets';
import * as datasetsNode from '@lacuna/datasets/node';`),
);
writeFileSync(
  join(app, 'check.cjs'),
  program(`const tensor = require('@lacuna/tensor');
const autograd = require('@lacuna/autograd');
const layers = require('@lacuna/layers');
const optim = require('@lacuna/optim');
const datasets = require('@lacuna/datasets');
const datasetsNode = require('@lacuna/datasets/node');`),
);
check('ESM import runs and computes', process.execPath, ['check.mjs'], { cwd: app });
check('CJS require runs and computes', process.execPath, ['check.cjs'], { cwd: app });

// One process, both module systems: ESM layers/optim/autograd (on the ESM tensor) fed a Generator
// and tensors made by the CJS tensor. Two copies of one version must work as one.
writeFileSync(
  join(app, 'mixed.mjs'),
  `import { createRequire } from 'node:module';
import * as tensor from '@lacuna/tensor';
import * as autograd from '@lacuna/autograd';
import * as layers from '@lacuna/layers';
import * as optim from '@lacuna/optim';
const require = createRequire(import.meta.url);
const cjs = require('@lacuna/tensor');
const cjsLayers = require('@lacuna/layers');
const assert = (cond, msg) => { if (!cond) { throw new Error('mixed ESM/CJS check failed: ' + msg); } };
assert(cjs.Generator !== tensor.Generator && cjs.Tensor !== tensor.Tensor, 'two copies loaded');
const g = new cjs.Generator(0);
assert(g instanceof tensor.Generator && tensor.isGenerator(g), 'a CJS Generator is a Generator for ESM code');
const net = new layers.Sequential(new layers.Linear(2, 8, { generator: g }), new layers.ReLU(),
  new cjsLayers.Dropout(0.2, { generator: new cjs.Generator(1) }), new cjsLayers.Linear(8, 2, { generator: g }));
const x = cjs.tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const y = cjs.tensor([0, 1, 1, 0], { dtype: 'int32' });
assert(tensor.isTensor(x) && x instanceof tensor.Tensor, 'a CJS tensor is a Tensor for ESM code');
const opt = new optim.Adam(net.parameters(), { lr: 0.05 });
const loss = () => layers.crossEntropy(net.forward(x), y);
net.eval(); const before = loss().item(); net.train();
for (let i = 0; i < 100; i++) { opt.zeroGrad(); autograd.backward(loss()); opt.step(); }
net.eval(); const after = loss().item();
assert(after < before * 0.5, 'training across copies lowers the loss: ' + before + ' -> ' + after);
assert(cjs.getBackend() === tensor.getBackend(), 'one backend registry');
const previous = cjs.setBackend(cjs.referenceBackend);
assert(tensor.getBackend().name === 'reference', 'setBackend in CJS is seen by ESM');
tensor.setBackend(previous);
const w = tensor.ones([1]); w.requiresGrad = true;
assert(cjs.withoutRecording(() => tensor.mul(w, w)).gradNode === null, 'noGrad in one copy pauses the other');
console.log('mixed ESM/CJS: loss ' + before.toFixed(3) + ' -> ' + after.toFixed(3));
`,
);
check(
  'one process mixing ESM import and CJS require: a CJS Generator and tensors train an ESM model',
  process.execPath,
  ['mixed.mjs'],
  { cwd: app },
);

// Two versions in one project, as npm lays them out when a library pins another version: the app's
// @lacuna/tensor at the top, a bumped copy nested under the library. Objects of one version
// reaching code of the other must fail with a VersionConflictError naming both versions and both
// paths (not "must be a Generator").
console.log('\nTwo versions of @lacuna/tensor nested in one project');
{
  const index = manifests.findIndex(({ pkg }) => pkg.name === '@lacuna/tensor');
  const topVersion = manifests[index].pkg.version;
  const [major, minor] = topVersion.split('.').map(Number);
  const nestedVersion = `${major}.${minor + 1}.0`;
  const lib = join(app, 'node_modules', 'lacuna-nested-lib');
  const nested = join(lib, 'node_modules', '@lacuna', 'tensor');
  mkdirSync(join(lib, 'node_modules', '@lacuna'), { recursive: true });
  const unpack = mkdtempSync(join(work, 'nested-'));
  run('tar', ['-xzf', tarballs[index], '-C', unpack]);
  renameSync(join(unpack, 'package'), nested);
  // The copy "is" the next version: package.json and the version built into its brands.
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
  writeFileSync(
    join(lib, 'index.js'),
    `import { Generator, sum, tensor } from '@lacuna/tensor';
export const makeGenerator = () => new Generator(0);
export const makeTensor = () => tensor([1, 2]);
export const total = (t) => sum(t).item();
`,
  );
  /** @param {string} text */
  const esc = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const both =
    `from @lacuna/tensor ${esc(nestedVersion)} \\(file:[^)]*/lacuna-nested-lib/node_modules/@lacuna/tensor/dist/[^)]*\\), ` +
    `but this code is @lacuna/tensor ${esc(topVersion)} \\(file:[^)]*/consumer/node_modules/@lacuna/tensor/dist/[^)]*\\): two versions`;
  const patterns = {
    generator: `^Linear: argument 'options.generator' is a Generator ${both}`,
    add: `^add: argument 'a' is a Tensor ${both}`,
    reverse: `^sum: argument 'x' is a Tensor from @lacuna/tensor ${esc(topVersion)} .*but this code is @lacuna/tensor ${esc(nestedVersion)}`,
  };
  writeFileSync(
    join(app, 'nested.mjs'),
    `import * as tensor from '@lacuna/tensor';
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
`,
  );
  if (stamped === 0) fail('nested copy: no built-in version string found to bump in dist/');
  else
    check(
      `@lacuna/tensor ${topVersion} and a nested ${nestedVersion} meet with a VersionConflictError naming both`,
      process.execPath,
      ['nested.mjs'],
      { cwd: app },
    );
}

// README examples are promised to run: each runs against the tarballs, its result comments
// checked (scripts/examples/results.mjs has the rule; check-examples.mjs type-checks them).
const esbuild = await import(join(root, 'node_modules', 'esbuild', 'lib', 'main.js'));
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

// TypeScript consumer: public types, strict, under Node16 resolution (ESM and CJS) and Bundler.
const tsProgram = `import { Generator, type Tensor, tensor, matmul, ShapeError } from '@lacuna/tensor';
import { valueAndGrad, gradcheck, type GradcheckResult } from '@lacuna/autograd';
import { Linear, Sequential, ReLU, Dropout, crossEntropy, type Module } from '@lacuna/layers';
import { SGD, type SGDOptions } from '@lacuna/optim';
import { DataLoader, twoMoons, type Dataset } from '@lacuna/datasets';
import { readIdxFile } from '@lacuna/datasets/node';
const g = new Generator(1);
const net: Module = new Sequential(new Linear(2, 4, { generator: g }), new ReLU(), new Dropout(0.5, { generator: g }));
const opts: SGDOptions = { lr: 0.1 };
const opt = new SGD(net.parameters(), opts);
const data: Dataset = twoMoons(10, { generator: g });
const loader = new DataLoader(data, { batchSize: 5 });
const y: Tensor = matmul(tensor([[1]]), tensor([[2]]));
const r: GradcheckResult = gradcheck((a: Tensor) => a, [y]);
const f = valueAndGrad((a: Tensor) => a);
const e: ShapeError | undefined = undefined;
const loss: Tensor = crossEntropy(y, tensor([0], { dtype: 'int32' }));
const p: Promise<unknown> = readIdxFile('x');
export { opt, loader, r, f, e, loss, p };
`;
writeFileSync(join(app, 'check.mts'), tsProgram);
writeFileSync(join(app, 'check.cts'), tsProgram);
writeFileSync(join(app, 'bundler.ts'), tsProgram);
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
// No DOM and no Node types: the public declarations must stand on ES2022 alone.
/** @param {string} module @param {string} moduleResolution @param {string[]} files */
const tsconfig = (module, moduleResolution, files) => ({
  compilerOptions: {
    noEmit: true,
    strict: true,
    skipLibCheck: false,
    target: 'es2022',
    lib: ['es2022'],
    types: [],
    module,
    moduleResolution,
  },
  files,
});
writeFileSync(
  join(app, 'tsconfig.node16.json'),
  JSON.stringify(tsconfig('node16', 'node16', ['check.mts', 'check.cts'])),
);
writeFileSync(
  join(app, 'tsconfig.bundler.json'),
  JSON.stringify(tsconfig('preserve', 'bundler', ['bundler.ts'])),
);
check(
  'tsc --noEmit, module Node16 (check.mts as ESM, check.cts as CJS)',
  process.execPath,
  [tsc, '-p', 'tsconfig.node16.json'],
  { cwd: app },
);
// moduleResolution node10 (`"moduleResolution": "node"`) ignores `exports`: the /node subpaths
// resolve through `typesVersions`.
writeFileSync(
  join(app, 'node10.ts'),
  `${tsProgram}import { writeFileAtomic } from '@lacuna/tensor/node';
import { saveCheckpoint } from '@lacuna/layers/node';
export { writeFileAtomic, saveCheckpoint };
`,
);
writeFileSync(
  join(app, 'tsconfig.node10.json'),
  JSON.stringify(tsconfig('commonjs', 'node10', ['node10.ts'])),
);
check(
  'tsc --noEmit, moduleResolution node10 (subpaths through typesVersions)',
  process.execPath,
  [tsc, '-p', 'tsconfig.node10.json'],
  { cwd: app },
);
check(
  'tsc --noEmit, moduleResolution Bundler',
  process.execPath,
  [tsc, '-p', 'tsconfig.bundler.json'],
  { cwd: app },
);

// Browser bundle: everything but @lacuna/datasets/node, for platform 'browser'. Any Node built-in
// pulled in fails; then the bundle runs in a bare VM context (no require, process or Buffer).
console.log('\nBrowser bundle (esbuild, platform browser)');
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
/** @type {string[]} */
const pulledIn = [];
writeFileSync(
  join(app, 'browser-entry.js'),
  `import * as tensor from '@lacuna/tensor';
import * as autograd from '@lacuna/autograd';
import * as layers from '@lacuna/layers';
import * as optim from '@lacuna/optim';
import * as datasets from '@lacuna/datasets';
const g = new tensor.Generator(3);
const { x, y } = datasets.twoMoons(32, { generator: g });
const net = new layers.Sequential(new layers.Linear(2, 8, { generator: g }), new layers.ReLU(), new layers.Dropout(0.5, { generator: g }), new layers.Linear(8, 2, { generator: g }));
const opt = new optim.SGD(net.parameters(), { lr: 0.1 });
opt.zeroGrad();
autograd.backward(layers.crossEntropy(net.forward(x), y));
opt.step();
globalThis.result = net.parameters().length;
`,
);
try {
  const result = await esbuild.build({
    entryPoints: [join(app, 'browser-entry.js')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: app,
    plugins: [
      {
        name: 'no-node-builtins',
        /** @param {import('esbuild').PluginBuild} build */
        setup(build) {
          build.onResolve({ filter: /.*/ }, (args) => {
            if (builtins.has(args.path))
              pulledIn.push(`${args.path} (imported by ${args.importer})`);
            return undefined;
          });
        },
      },
    ],
  });
  if (pulledIn.length) fail(`browser bundle pulls in Node built-ins: ${pulledIn.join(', ')}`);
  else ok(`no Node built-ins among ${Object.keys(result.metafile.inputs).length} bundled modules`);
  const code = result.outputFiles[0].text;
  ok(`bundle size ${(code.length / 1024).toFixed(1)} KiB`);
  const context = vm.createContext({ console, Math, performance: { now: () => 0 } });
  context.globalThis = context;
  vm.runInContext(code, context);
  if (context.result === 4) ok('bundle runs a training step in a bare context (no Node globals)');
  else fail(`bundle ran but produced ${context.result}`);
} catch (error) {
  fail(
    `browser bundle failed: ${/** @type {Error} */ (error).message}${pulledIn.length ? ` (Node built-ins: ${pulledIn.join(', ')})` : ''}`,
  );
}

// The ESM builds as a page without a bundler loads them (plain files, as from a CDN): an import map
// sends each @lacuna/* to the file its `unpkg` field names. Any bare import left in a dist file
// (e.g. CommonJS seedrandom) fails the page. Needs Chromium (apt-get install chromium).
console.log('\nBrowser page with an import map, no bundler (Chromium)');
const chromiumPath = '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  console.log(`  - skipped: no Chromium at ${chromiumPath}`);
} else {
  const imports = Object.fromEntries(
    manifests.map(({ pkg }) => [
      pkg.name,
      `/node_modules/${pkg.name}/${posix.normalize(pkg.unpkg)}`,
    ]),
  );
  /** @type {Record<string, string>} */
  const page = {
    '/index.html': `<!doctype html>
<script type="importmap">${JSON.stringify({ imports })}</script>
<script type="module" src="/page.js"></script>`,
    '/page.js': `import * as tensor from '@lacuna/tensor';
import * as autograd from '@lacuna/autograd';
import * as layers from '@lacuna/layers';
import * as optim from '@lacuna/optim';
import * as datasets from '@lacuna/datasets';
const g = new tensor.Generator(3);
const { x, y } = datasets.twoMoons(64, { generator: g, noise: 0.1 });
const net = new layers.Sequential(new layers.Linear(2, 16, { generator: g }), new layers.ReLU(),
  new layers.Dropout(0.2, { generator: g.fork() }), new layers.Linear(16, 2, { generator: g }));
const opt = new optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
const loss = () => layers.crossEntropy(net.forward(x), y);
net.eval(); const before = loss().item(); net.train();
for (let i = 0; i < 60; i++) { opt.zeroGrad(); autograd.backward(loss()); opt.step(); }
net.eval(); const after = loss().item();
window.result = { before, after, product: tensor.matmul(tensor.tensor([[1, 2], [3, 4]]), tensor.tensor([[1, 2], [3, 4]])).toArray(),
  backend: tensor.getBackendInfo(), errorName: new tensor.ShapeError('op', 'arg', 'bad').name };
`,
  };
  /** @type {Record<string, string>} */
  const types = { '.js': 'text/javascript', '.html': 'text/html', '.map': 'application/json' };
  /** @type {string[]} */
  const notFound = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    /** @type {string | Buffer | undefined} */
    let body = page[path];
    if (body === undefined && path.startsWith('/node_modules/@lacuna/') && !path.includes('..')) {
      body = existsSync(join(app, path)) ? readFileSync(join(app, path)) : undefined;
    }
    if (path === '/favicon.ico') body = '';
    if (body === undefined) {
      notFound.push(path);
      return void res.writeHead(404).end();
    }
    res.writeHead(200, { 'content-type': types[posix.extname(path)] ?? 'text/plain' }).end(body);
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', () => done(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  const url = `http://127.0.0.1:${port}/index.html`;
  const requireFromTensor = createRequire(join(root, 'packages', 'tensor', 'package.json'));
  const { chromium } = requireFromTensor('playwright-core');
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
    const tab = await browser.newPage();
    /** @type {string[]} */
    const errors = [];
    tab.on('pageerror', (/** @type {Error} */ e) => errors.push(String(e)));
    tab.on(
      'console',
      (/** @type {{ type(): string, text(): string }} */ m) =>
        m.type() === 'error' && errors.push(m.text()),
    );
    await tab.goto(url);
    await tab
      .waitForFunction(() => 'result' in window || false, undefined, { timeout: 60_000 })
      .catch(() => {});
    /** @typedef {{ before: number, after: number, product: number[][], backend: { name: string }, errorName: string }} PageResult */
    const result = await tab.evaluate(
      () => /** @type {{ result?: PageResult }} */ (/** @type {unknown} */ (window)).result,
    );
    if (errors.length || !result)
      fail(
        `import-map page failed: ${errors.join('; ') || 'no result'}${notFound.length ? ` (not found: ${notFound.join(', ')})` : ''}`,
      );
    else if (
      JSON.stringify(result.product) !== '[[7,10],[15,22]]' ||
      !(result.after < result.before * 0.7) ||
      result.errorName !== 'ShapeError'
    )
      fail(`import-map page computed ${JSON.stringify(result)}`);
    else
      ok(
        `tensor + autograd + layers + optim + datasets from plain ESM files: loss ${result.before.toFixed(3)} → ${result.after.toFixed(3)} on ${result.backend.name}`,
      );
  } catch (error) {
    fail(`import-map page: ${/** @type {Error} */ (error).message}`);
  } finally {
    await browser?.close();
    server.close();
  }
}

rmSync(work, { recursive: true, force: true });
if (failures.length) {
  console.error(`\nRelease check failed: ${failures.length} problem(s).`);
  process.exit(1);
}
console.log('\nRelease check passed for', manifests.map(({ pkg }) => pkg.name).join(', '));
