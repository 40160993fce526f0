import { backward } from '@lacuna/autograd';
import { crossEntropy, Dropout, Linear, ReLU, Sequential } from '@lacuna/layers';
import { SGD } from '@lacuna/optim';
import { dropout, Generator, matmul, randint, uniform } from '@lacuna/tensor';

/** One benchmark: Lacuna's function and, where one exists, a plain-JavaScript peer doing the same work. */
export interface Workload {
  id: string;
  title: string;
  /** Work per call, in `unit`. */
  work: number;
  unit: 'GFLOP' | 'Melem' | 'samples';
  /** Timed runs in a full run, when the default would take too long. */
  runs?: number;
  lacuna: () => unknown;
  peer?: { name: string; run: () => unknown };
}

/** Naive triple loop, the obvious JavaScript a peer without kernels runs. */
function naiveMatmul(a: Float32Array, b: Float32Array, n: number): Float32Array {
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k]! * b[k * n + j]!;
      out[i * n + j] = s;
    }
  }
  return out;
}

/** Dropout the way TensorFlow.js's cpu backend draws it: one Math.random() call per element. */
function mathRandomDropout(x: Float32Array, p: number): Float32Array {
  const out = new Float32Array(x.length);
  const scale = 1 / (1 - p);
  for (let i = 0; i < x.length; i++) out[i] = Math.random() >= p ? x[i]! * scale : 0;
  return out;
}

export function workloads(quick: boolean): Workload[] {
  const g = new Generator(0);
  const n = quick ? 64 : 1024;
  const a = uniform([n, n], { generator: g });
  const b = uniform([n, n], { generator: g });
  const flops = (2 * n ** 3) / 1e9;
  const elems = quick ? 1 << 14 : 1 << 20;
  const x = uniform([elems], { generator: g });

  const batch = quick ? 16 : 128;
  const mlp = new Sequential(
    new Dropout(0.2, { generator: g.fork() }),
    new Linear(784, 1024, { generator: g }),
    new ReLU(),
    new Dropout(0.5, { generator: g.fork() }),
    new Linear(1024, 1024, { generator: g }),
    new ReLU(),
    new Dropout(0.5, { generator: g.fork() }),
    new Linear(1024, 10, { generator: g }),
  );
  const opt = new SGD(mlp.parameters(), { lr: 0.01, momentum: 0.9 });
  const images = uniform([batch, 784], { generator: g });
  const labels = randint(0, 10, [batch], { generator: g });

  const list: Workload[] = [];
  for (const [transA, transB] of [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ] as const) {
    const tag = `${transA ? 'Aᵀ' : 'A'}·${transB ? 'Bᵀ' : 'B'}`;
    list.push({
      id: `matmul-${transA ? 't' : 'n'}${transB ? 't' : 'n'}`,
      title: `matmul ${n}³ ${tag}`,
      work: flops,
      unit: 'GFLOP',
      runs: 5,
      lacuna: () => matmul(a, b, { transA, transB }),
      // The naive loop at 1024³ takes seconds per call; compare with it on the plain product only.
      ...(transA || transB
        ? {}
        : {
            peer: {
              name: 'naive JS loop',
              run: () => naiveMatmul(a.storage as Float32Array, b.storage as Float32Array, n),
            },
          }),
    });
  }
  list.push({
    id: 'dropout',
    title: `dropout forward p=0.5, ${elems} elements`,
    work: elems / 1e6,
    unit: 'Melem',
    lacuna: () => dropout(x, { p: 0.5, training: true, generator: g }),
    peer: {
      name: 'Math.random loop',
      run: () => mathRandomDropout(x.storage as Float32Array, 0.5),
    },
  });
  list.push({
    id: 'mlp-step',
    title: `MLP 784-1024-1024-10 train step, batch ${batch}`,
    work: batch,
    unit: 'samples',
    lacuna: () => {
      opt.zeroGrad();
      backward(crossEntropy(mlp.forward(images), labels));
      opt.step();
    },
  });
  return list;
}
