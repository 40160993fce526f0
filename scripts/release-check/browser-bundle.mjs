// Browser bundle: everything but @lacuna/datasets/node, for platform 'browser'. Any Node built-in
// pulled in fails; then the bundle runs in a bare VM context (no require, process or Buffer).
import { writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import vm from 'node:vm';
import * as esbuild from 'esbuild';

/** A training step with every browser-safe entry; it leaves the parameter count in `result`. */
const entry = `import * as tensor from '@lacuna/tensor';
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
`;

/**
 * Bundles the entry from the consumer project's packages and runs the bundle.
 * @param {import('./report.mjs').Report} report
 * @param {string} app - The consumer project.
 */
export async function checkBrowserBundle(report, app) {
  const { fail, ok } = report;
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  /** @type {string[]} */
  const pulledIn = [];
  writeFileSync(join(app, 'browser-entry.js'), entry);
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
    else
      ok(`no Node built-ins among ${Object.keys(result.metafile.inputs).length} bundled modules`);
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
}
