// The fused ops against the ops they replace, forward and forward + backward:
// - linear (relu) against matmul + add + relu, for an MLP's first layer (784 → 512) at batch 128
//   and 1024;
// - softmaxCrossEntropy against logSoftmax + gather + neg + mean (what crossEntropy composed
//   before), at [128, 10] (an MNIST batch) and [1024, 1000];
// on the wasm backend (1 thread, and 2 threads), each two ways: outside a scope (every output a
// fresh GC-owned array, whose first touch page-faults: the two extra outputs of the unfused ops
// cost most there) and with each call in a scope and the operands kept in it (pooled outputs in
// the wasm memory, as fit, evaluate and mcPredict run). Rounds alternate which variant runs
// first, so a load change on the machine hits both alike; medians, with ranges. Backward runs
// through @lacuna/autograd (built next to this package in the monorepo).
// `pnpm --filter @lacuna/tensor --filter @lacuna/autograd build && node packages/tensor/bench/fusion.mjs`
import { backward } from '../../autograd/dist/index.js';
import {
  add,
  createWasmBackend,
  Generator,
  gather,
  keep,
  linear,
  logSoftmax,
  matmul,
  mean,
  neg,
  randint,
  relu,
  reshape,
  scope,
  setBackend,
  softmaxCrossEntropy,
  uniform,
} from '../dist/index.js';

const ROUNDS = Number(process.env.ROUNDS ?? 31);
const g = new Generator(0);

function stats(times) {
  const s = [...times].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
}
const fmt = (t) => `${t.median.toFixed(3)} ms (${t.min.toFixed(3)}–${t.max.toFixed(3)})`;
const row = (label, f, u) =>
  console.log(
    `  ${label}: fused ${fmt(f)} | unfused ${fmt(u)} | speedup ${(u.median / f.median).toFixed(2)}×`,
  );

/** A step that clears the gradients of `params`, runs `forward` and backpropagates. */
function trainStep(forward, params, gradOutput) {
  return () => {
    for (const p of params) {
      p.grad = null;
      p.requiresGrad = true;
    }
    backward(forward(), { gradOutput });
    for (const p of params) p.requiresGrad = false;
  };
}

/** Times `a` and `b` in alternating order for ROUNDS rounds after a warm-up. */
function alternate(a, b) {
  if (scoped) [a, b] = [a, b].map((fn) => () => scope(fn));
  for (let i = 0; i < 3; i++) {
    a();
    b();
  }
  const [ta, tb] = [[], []];
  for (let r = 0; r < ROUNDS; r++) {
    const order =
      r % 2
        ? [
            [b, tb],
            [a, ta],
          ]
        : [
            [a, ta],
            [b, tb],
          ];
    for (const [fn, into] of order) {
      const t0 = performance.now();
      fn();
      into.push(performance.now() - t0);
    }
  }
  return [stats(ta), stats(tb)];
}

let scoped = false;
/** A random operand, kept alive (in the wasm memory) when the calls run in scopes. */
const operand = (shape, options) => {
  const draw = () => uniform(shape, { generator: g, ...options });
  return scoped ? scope(() => keep(draw())) : draw();
};

for (const [threads, inScope] of [
  [1, false],
  [1, true],
  [2, false],
  [2, true],
]) {
  scoped = inScope;
  const backend = createWasmBackend({ threads });
  await backend.whenReady();
  setBackend(backend);
  console.log(
    `${backend.name}, ${scoped ? 'each call in a scope' : 'outside a scope'}, ${ROUNDS} alternated rounds`,
  );
  for (const batch of [128, 1024]) {
    const x = operand([batch, 784]);
    const w = operand([512, 784], { low: -0.036, high: 0.036 });
    const b = operand([512], { low: -0.036, high: 0.036 });
    const fused = () => linear(x, w, b, { activation: 'relu' });
    const unfused = () => relu(add(matmul(x, w, { transB: true }), b));
    row(`linear ${batch}×784→512 forward`, ...alternate(fused, unfused));
    // The weight and bias need gradients, the input does not (a first layer).
    const dy = operand([batch, 512]);
    const steps = [fused, unfused].map((f) => trainStep(f, [w, b], dy));
    row(`linear ${batch}×784→512 forward+backward`, ...alternate(...steps));
  }
  for (const [n, c] of [
    [128, 10],
    [1024, 1000],
  ]) {
    const z = operand([n, c], { low: -4, high: 4 });
    const y = scoped
      ? scope(() => keep(randint(0, c, [n], { generator: g })))
      : randint(0, c, [n], { generator: g });
    const fused = () => softmaxCrossEntropy(z, y);
    const unfused = () => mean(neg(reshape(gather(logSoftmax(z, 1), 1, reshape(y, [n, 1])), [n])));
    row(`cross-entropy [${n}, ${c}] forward`, ...alternate(fused, unfused));
    const steps = [fused, unfused].map((f) => trainStep(f, [z]));
    row(`cross-entropy [${n}, ${c}] forward+backward`, ...alternate(...steps));
  }
  backend.dispose();
}
