#!/usr/bin/env node
// The release check: what a user who runs `npm install @lacuna/<pkg>` gets must work.
//
// For every publishable package under packages/: pack it with pnpm (so `workspace:` and
// `catalog:` ranges become real semver ranges), inspect the tarball, run publint and
// @arethetypeswrong/cli on it, install every tarball with plain npm into a fresh project outside
// the workspace, then import it from ESM, require it from CJS, type-check a TypeScript consumer,
// and bundle the browser-safe entries for the browser, failing on any Node built-in.
import { execFileSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const failures = [];
const fail = (msg) => {
  failures.push(msg);
  console.error(`  ✗ ${msg}`);
};
const ok = (msg) => console.log(`  ✓ ${msg}`);

function run(cmd, args, options = {}) {
  return execFileSync(cmd, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
  });
}

/** Runs a command and reports its output on failure instead of throwing. */
function check(label, cmd, args, options = {}) {
  try {
    run(cmd, args, options);
    ok(label);
    return true;
  } catch (error) {
    fail(`${label}\n${error.stdout ?? ''}${error.stderr ?? ''}`.trimEnd());
    return false;
  }
}

// pnpm is the one running this script (`pnpm test`); reuse it rather than assuming a global one.
const pnpm =
  process.env.npm_execpath && /pnpm/.test(process.env.npm_execpath)
    ? [process.execPath, [process.env.npm_execpath]]
    : ['pnpm', []];
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
  const tarball = join(tarballDir, file);
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
  const badSources = [];
  for (const map of entries.filter((e) => e.endsWith('.map'))) {
    const { sources = [] } = JSON.parse(readFileSync(join(extract, map), 'utf8'));
    for (const src of sources) {
      const target = posix.normalize(posix.join(posix.dirname(map), src));
      if (!target.startsWith('package/') || !files.has(target)) badSources.push(`${map} → ${src}`);
    }
  }
  if (badSources.length)
    fail(`source maps point outside the package: ${badSources.slice(0, 5).join(', ')}`);
  else ok('source maps resolve inside the package');

  check('publint', bin('publint'), ['run', tarball, '--strict']);
  check('arethetypeswrong (node16 + bundler resolution)', bin('attw'), [
    tarball,
    '--profile',
    'node16',
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

// README examples are promised to run: strip their types and run each against the tarballs.
const esbuild = await import(join(root, 'node_modules', 'esbuild', 'lib', 'main.js'));
const readmes = ['README.md', ...manifests.map(({ dir }) => join(dir, 'README.md'))];
for (const readme of readmes) {
  const blocks = [
    ...readFileSync(resolve(root, readme), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g),
  ].map((m) => m[1]);
  for (const [i, source] of blocks.entries()) {
    const label = `${readme.replace(`${root}/`, '')} example ${i + 1}`;
    const { code } = await esbuild.transform(source, {
      loader: 'ts',
      format: 'esm',
      target: 'node20',
    });
    const file = join(app, `readme-${label.replace(/[^\w]+/g, '-')}.mjs`);
    writeFileSync(file, code);
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
    `browser bundle failed: ${error.message}${pulledIn.length ? ` (Node built-ins: ${pulledIn.join(', ')})` : ''}`,
  );
}

rmSync(work, { recursive: true, force: true });
if (failures.length) {
  console.error(`\nRelease check failed: ${failures.length} problem(s).`);
  process.exit(1);
}
console.log('\nRelease check passed for', manifests.map(({ pkg }) => pkg.name).join(', '));
