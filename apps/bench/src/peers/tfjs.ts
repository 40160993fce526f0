import { createRequire } from 'node:module';
import { dirname } from 'node:path';
// The umbrella package: tfjs-core with its cpu backend and every gradient registered.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { type Run, sizes, type WorkloadId } from './types.js';

/** Selects TensorFlow.js's cpu (pure JavaScript) or wasm (XNNPACK, single-threaded in Node) backend. */
export async function useTfjsBackend(backend: 'cpu' | 'wasm'): Promise<void> {
  if (backend === 'wasm') {
    // The .wasm binaries ship inside the npm package: point the loader at them, nothing is downloaded.
    const require = createRequire(import.meta.url);
    setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  }
  if (!(await tf.setBackend(backend)))
    throw new Error(`TensorFlow.js backend '${backend}' failed to initialise`);
  await tf.ready();
}

/** TensorFlow.js's implementation of each workload, written the way its documentation shows. */
export function prepareTfjs(id: Exclude<WorkloadId, 'W6'>, quick: boolean): Run {
  const s = sizes(quick);
  const tidy = (f: () => tf.TensorContainer) => () => {
    tf.dispose(tf.tidy(f));
  };
  if (id === 'W1' || id === 'W2') {
    const x = tf.randomUniform(s.dropout, 0, 1, 'float32', 1);
    if (id === 'W1') return tidy(() => tf.dropout(x, 0.5));
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.dropout(t, 0.5)));
    return tidy(() => grad(x));
  }
  if (id === 'W4') {
    const n = s.matmul;
    const a = tf.randomUniform([n, n], 0, 1, 'float32', 2);
    const b = tf.randomUniform([n, n], 0, 1, 'float32', 3);
    return tidy(() => tf.matMul(a, b));
  }
  if (id === 'W7' || id === 'W8') {
    // TensorFlow.js's native layout is NHWC (its cpu and wasm conv2d do not take NCHW): same math.
    const c = s.conv;
    const x = tf.randomUniform([c.batch, c.size, c.size, c.channels], 0, 1, 'float32', 13);
    const w = tf.randomUniform([3, 3, c.channels, c.filters], -0.1, 0.1, 'float32', 14);
    if (id === 'W8') return tidy(() => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'));
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')),
    );
    return tidy(() => grads([x, w]));
  }
  const h = s.hidden;
  const init = (shape: number[], fanIn: number, seed: number) =>
    tf.variable(
      tf.randomUniform(shape, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn), 'float32', seed),
    );
  const w1 = init([784, h], 784, 4);
  const b1 = init([h], 784, 5);
  const w2 = init([h, h], h, 6);
  const b2 = init([h], h, 7);
  const w3 = init([h, 10], h, 8);
  const b3 = init([10], h, 9);
  const forward = (x: tf.Tensor2D, training: boolean) => {
    const d = (t: tf.Tensor, p: number) => (training ? tf.dropout(t, p) : t);
    const h1 = d(tf.relu(tf.add(tf.matMul(d(x, 0.2), w1), b1)), 0.5);
    const h2 = d(tf.relu(tf.add(tf.matMul(h1, w2), b2)), 0.5);
    return tf.add(tf.matMul(h2, w3), b3);
  };
  if (id === 'W3') {
    const x = tf.randomUniform([s.batch, 784], 0, 1, 'float32', 10) as tf.Tensor2D;
    const y = tf.oneHot(tf.randomUniform([s.batch], 0, 10, 'int32', 11) as tf.Tensor1D, 10);
    const opt = tf.train.sgd(0.01);
    return () => {
      const loss = opt.minimize(
        () => tf.losses.softmaxCrossEntropy(y, forward(x, true)) as tf.Scalar,
        true,
      );
      loss?.dispose();
    };
  }
  const x = tf.randomUniform([s.inferBatch, 784], 0, 1, 'float32', 12) as tf.Tensor2D;
  return tidy(() => forward(x, false));
}
