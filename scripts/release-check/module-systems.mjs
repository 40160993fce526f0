// Both module systems: the same small program imported from ESM and required from CJS, then one
// process that mixes them and passes tensors and generators from one copy of a package to the
// other.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

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

/** The statements that load the packages as ESM. */
const esmLoad = `import * as tensor from '@lacuna/tensor';
import * as autograd from '@lacuna/autograd';
import * as layers from '@lacuna/layers';
import * as optim from '@lacuna/optim';
import * as datasets from '@lacuna/datasets';
import * as datasetsNode from '@lacuna/datasets/node';`;

/** The statements that load the packages as CJS. */
const cjsLoad = `const tensor = require('@lacuna/tensor');
const autograd = require('@lacuna/autograd');
const layers = require('@lacuna/layers');
const optim = require('@lacuna/optim');
const datasets = require('@lacuna/datasets');
const datasetsNode = require('@lacuna/datasets/node');`;

// One process, both module systems: ESM layers/optim/autograd (on the ESM tensor) fed a Generator
// and tensors made by the CJS tensor. Two copies of one version must work as one.
const mixed = `import { createRequire } from 'node:module';
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
`;

/**
 * Runs the program from ESM and from CJS, then the mixed one, in the consumer project.
 * @param {import('./report.mjs').Report} report
 * @param {string} app - The consumer project.
 */
export function checkModuleSystems(report, app) {
  const { check } = report;
  writeFileSync(join(app, 'check.mjs'), program(esmLoad));
  writeFileSync(join(app, 'check.cjs'), program(cjsLoad));
  check('ESM import runs and computes', process.execPath, ['check.mjs'], { cwd: app });
  check('CJS require runs and computes', process.execPath, ['check.cjs'], { cwd: app });
  writeFileSync(join(app, 'mixed.mjs'), mixed);
  check(
    'one process mixing ESM import and CJS require: a CJS Generator and tensors train an ESM model',
    process.execPath,
    ['mixed.mjs'],
    { cwd: app },
  );
}
