import { backward, noGrad } from '@lacuna/autograd';
import { crossEntropy, Dropout, Linear, ReLU, Sequential } from '@lacuna/layers';
import { SGD } from '@lacuna/optim';
import { conv2d, dropout, Generator, matmul, randint, sum, uniform } from '@lacuna/tensor';
import { convFlops, type Prepared, sizes, type WorkloadId } from './types.js';

/** Lacuna's implementation of each workload. */
export function prepareLacuna(id: Exclude<WorkloadId, 'W6'>, quick: boolean): Prepared {
  const s = sizes(quick);
  const g = new Generator(0);
  const elements = s.dropout[0]! * s.dropout[1]!;
  if (id === 'W1' || id === 'W2') {
    const x = uniform(s.dropout, { generator: g });
    if (id === 'W1')
      return {
        title: `dropout forward p=0.5 [${s.dropout}]`,
        work: elements / 1e6,
        unit: 'Melem',
        runs: 21,
        run: () => void dropout(x, { p: 0.5, training: true, generator: g }),
      };
    x.requiresGrad = true;
    return {
      title: `dropout forward+backward [${s.dropout}]`,
      work: elements / 1e6,
      unit: 'Melem',
      runs: 21,
      run: () => {
        x.grad = null;
        backward(sum(dropout(x, { p: 0.5, training: true, generator: g })));
      },
    };
  }
  if (id === 'W4') {
    const n = s.matmul;
    const a = uniform([n, n], { generator: g });
    const b = uniform([n, n], { generator: g });
    return {
      title: `matmul ${n}×${n}×${n}`,
      work: (2 * n ** 3) / 1e9,
      unit: 'GFLOP',
      runs: 5,
      run: () => void matmul(a, b),
    };
  }
  if (id === 'W7' || id === 'W8') {
    const c = s.conv;
    const x = uniform([c.batch, c.channels, c.size, c.size], { generator: g });
    const w = uniform([c.filters, c.channels, 3, 3], { generator: g, low: -0.1, high: 0.1 });
    const layer = `[${c.batch},${c.channels},${c.size},${c.size}]→${c.filters}`;
    if (id === 'W8')
      return {
        title: `conv2d 3×3 forward ${layer}`,
        work: convFlops(c) / 1e9,
        unit: 'GFLOP',
        runs: 9,
        run: () => void conv2d(x, w, { padding: 1 }),
      };
    x.requiresGrad = true;
    w.requiresGrad = true;
    return {
      title: `conv2d 3×3 forward+backward ${layer}`,
      work: (3 * convFlops(c)) / 1e9,
      unit: 'GFLOP',
      runs: 3, // TF.js cpu takes over 20 s a run
      run: () => {
        x.grad = null;
        w.grad = null;
        backward(sum(conv2d(x, w, { padding: 1 })));
      },
    };
  }
  const h = s.hidden;
  const net = new Sequential(
    new Dropout(0.2, { generator: g.fork() }),
    new Linear(784, h, { generator: g }),
    new ReLU(),
    new Dropout(0.5, { generator: g.fork() }),
    new Linear(h, h, { generator: g }),
    new ReLU(),
    new Dropout(0.5, { generator: g.fork() }),
    new Linear(h, 10, { generator: g }),
  );
  if (id === 'W3') {
    const opt = new SGD(net.parameters(), { lr: 0.01 });
    const x = uniform([s.batch, 784], { generator: g });
    const y = randint(0, 10, [s.batch], { generator: g });
    return {
      title: `MLP 784-${h}-${h}-10 train step, batch ${s.batch}`,
      work: s.batch,
      unit: 'samples',
      runs: 9,
      run: () => {
        opt.zeroGrad();
        backward(crossEntropy(net.forward(x), y));
        opt.step();
      },
    };
  }
  net.eval();
  const x = uniform([s.inferBatch, 784], { generator: g });
  return {
    title: `MLP inference (eval), batch ${s.inferBatch}`,
    work: s.inferBatch,
    unit: 'samples',
    runs: 9,
    run: () => void noGrad(() => net.forward(x)),
  };
}
