// TypeScript consumer: public types, strict, under Node16 resolution (ESM and CJS), node10 and
// Bundler.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './workspace.mjs';

/** A program that uses the public types of every package. */
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

// moduleResolution node10 (`"moduleResolution": "node"`) ignores `exports`: the /node subpaths
// resolve through `typesVersions`.
const node10Program = `${tsProgram}import { writeFileAtomic } from '@lacuna/tensor/node';
import { saveCheckpoint } from '@lacuna/layers/node';
export { writeFileAtomic, saveCheckpoint };
`;

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

/**
 * The checks in order: each a tsconfig written to the consumer project, and its label.
 * @type {[file: string, config: ReturnType<typeof tsconfig>, label: string][]}
 */
const configs = [
  [
    'tsconfig.node16.json',
    tsconfig('node16', 'node16', ['check.mts', 'check.cts']),
    'tsc --noEmit, module Node16 (check.mts as ESM, check.cts as CJS)',
  ],
  [
    'tsconfig.node10.json',
    tsconfig('commonjs', 'node10', ['node10.ts']),
    'tsc --noEmit, moduleResolution node10 (subpaths through typesVersions)',
  ],
  [
    'tsconfig.bundler.json',
    tsconfig('preserve', 'bundler', ['bundler.ts']),
    'tsc --noEmit, moduleResolution Bundler',
  ],
];

/**
 * Type-checks the program in the consumer project under each module resolution.
 * @param {import('./report.mjs').Report} report
 * @param {string} app - The consumer project.
 */
export function checkTypeScriptConsumer(report, app) {
  writeFileSync(join(app, 'check.mts'), tsProgram);
  writeFileSync(join(app, 'check.cts'), tsProgram);
  writeFileSync(join(app, 'bundler.ts'), tsProgram);
  writeFileSync(join(app, 'node10.ts'), node10Program);
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const [file, config, label] of configs) {
    writeFileSync(join(app, file), JSON.stringify(config));
    report.check(label, process.execPath, [tsc, '-p', file], { cwd: app });
  }
}
