// The fused linear op against matmul + add + relu as three ops, forward and forward + backward,
// for an MLP's first layer (784 → 512) at batch 128 and 1024, on the wasm backend (1 thread, and
// 2 threads). Ops allocate their outputs, as users see them. Rounds alternate which variant runs
// first, so a load change on the machine hits both alike; medians, with ranges.
// Backward runs through @lacuna/autograd (built next to this package in the monorepo).
// `pnpm --filter @lacuna/tensor --filter @lacuna/autograd build && node packages/tensor/bench/linear.mjs`
import { backward } from '../../autograd/dist/index.js';
import {
  add,
  createWasmBackend,
  Generator,
  linear,
  matmul,
  relu,
  setBackend,
  uniform,
} from '../dist/index.js';

const ROUNDS = Number(process.env.ROUNDS ?? 31);
const g = new Generator(0);

function stats(times) {
  const s = [...times].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
}
const fmt = (t) => `${t.median.toFixed(3)} ms (${t.min.toFixed(3)}–${t.max.toFixed(3)})`;

/** Times `a` and `b` in alternating order for ROUNDS rounds after a warm-up. */
function alternate(a, b) {
  for (let i = 0; i < 3; i++) (a(), b());
  const [ta, tb] = [[], []];
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? [[b, tb], [a, ta]] : [[a, ta], [b, tb]];
    for (const [fn, into] of order) {
      const t0 = performance.now();
      fn();
      into.push(performance.now() - t0);
    }
  }
  return [stats(ta), stats(tb)];
}

for (const threads of [1, 2]) {
  const backend = createWasmBackend({ threads });
  await backend.whenReady();
  setBackend(backend);
  console.log(`${backend.name}, ${ROUNDS} alternated rounds`);
  for (const batch of [128, 1024]) {
    const x = uniform([batch, 784], { generator: g });
    const w = uniform([512, 784], { generator: g, low: -0.036, high: 0.036 });
    const b = uniform([512], { generator: g, low: -0.036, high: 0.036 });
    const fused = () => linear(x, w, b, { activation: 'relu' });
    const unfused = () => relu(add(matmul(x, w, { transB: true }), b));
    const [f, u] = alternate(fused, unfused);
    console.log(
      `  ${batch}×784→512 forward: fused ${fmt(f)} | unfused ${fmt(u)} | speedup ${(u.median / f.median).toFixed(2)}×`,
    );
    // Forward + backward: the weight and bias need gradients, the input does not (a first layer).
    const step = (forward) => () => {
      w.grad = null;
      b.grad = null;
      w.requiresGrad = true;
      b.requiresGrad = true;
      backward(forward(), { gradOutput: x.size ? uniformGrad : undefined });
    };
    const uniformGrad = uniform([batch, 512], { generator: g });
    const [fb, ub] = alternate(step(fused), step(unfused));
    w.requiresGrad = false;
    b.requiresGrad = false;
    console.log(
      `  ${batch}×784→512 forward+backward: fused ${fmt(fb)} | unfused ${fmt(ub)} | speedup ${(ub.median / fb.median).toFixed(2)}×`,
    );
  }
  backend.dispose();
}
