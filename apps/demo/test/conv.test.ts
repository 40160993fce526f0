import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crossEntropy } from '@lacuna/layers';
import { Generator, ones, Tensor, uniform } from '@lacuna/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONV_RATES, convFindings } from '../src/commands/conv.js';
import { type ConvDataAvailability, chooseConvData } from '../src/conv-data.js';
import { buildConvNet, type ConvSpec } from '../src/conv-model.js';
import { UsageError } from '../src/errors.js';
import { type ConfigResult, evaluateInChunks, type RunResult } from '../src/train.js';

const cli = join(import.meta.dirname, '..', 'dist', 'main.js');
let out = '';
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'lacuna-conv-'));
});
afterAll(() => rm(out, { recursive: true, force: true }));

const demo = (...args: string[]) => {
  const r = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('chooseConvData', () => {
  const none: ConvDataAvailability = {
    requested: 'mnist',
    cifarCache: null,
    fashionInstalled: false,
  };

  it('CIFAR-10 from --data-dir wins over everything', () => {
    const c = chooseConvData({
      ...none,
      dataDir: '/data/cifar',
      cifarCache: '/cache/cifar',
      fashionInstalled: true,
    });
    expect(c).toMatchObject({ name: 'cifar-10', dir: '/data/cifar' });
    expect(c.why).toContain('--data-dir /data/cifar');
  });

  it('then CIFAR-10 in the cache, then Fashion-MNIST when installed, then MNIST', () => {
    expect(chooseConvData({ ...none, cifarCache: '/c', fashionInstalled: true })).toMatchObject({
      name: 'cifar-10',
      dir: '/c',
    });
    const fashion = chooseConvData({ ...none, fashionInstalled: true });
    expect(fashion.name).toBe('fashion-mnist');
    expect(fashion.why).toMatch(/installed/);
    const mnist = chooseConvData(none);
    expect(mnist.name).toBe('mnist');
    expect(mnist.why).toMatch(/neither CIFAR-10 .* nor Fashion-MNIST is available offline/);
  });

  it('--dataset fashion-mnist asks for Fashion-MNIST; --dataset moons is refused', () => {
    expect(chooseConvData({ ...none, requested: 'fashion-mnist', cifarCache: '/c' }).name).toBe(
      'fashion-mnist',
    );
    expect(() => chooseConvData({ ...none, requested: 'moons' })).toThrow(UsageError);
    expect(() => chooseConvData({ ...none, requested: 'moons' })).toThrow(/moons has none/);
  });
});

describe('buildConvNet', () => {
  const spec: ConvSpec = {
    channels: 1,
    side: 28,
    blocks: [4, 8],
    dense: [16, 16],
    classes: 10,
    denseP: 0,
    convP: 0,
    convDrop: 'none',
  };

  it('maps [N, 1, 28, 28] to [N, 10] logits', () => {
    const net = buildConvNet(spec, new Generator(1));
    expect(net.forward(ones([3, 1, 28, 28])).shape).toEqual([3, 10]);
  });

  it('at one seed every dropout configuration starts from the same weights', () => {
    const weights = (s: ConvSpec) =>
      buildConvNet(s, new Generator(7))
        .namedParameters()
        .map(([, p]) => Array.from(p.toArray() as number[]));
    const plain = weights(spec);
    expect(weights({ ...spec, denseP: 0.5 })).toEqual(plain);
    expect(weights({ ...spec, convP: 0.2, convDrop: 'dropout2d' })).toEqual(plain);
    expect(weights({ ...spec, convP: 0.2, convDrop: 'dropout' })).toEqual(plain);
  });
});

describe('evaluateInChunks with the small batches conv uses', () => {
  it('gives the same loss and accuracy whatever the batch size', () => {
    const g = new Generator(3);
    const net = buildConvNet(
      {
        channels: 1,
        side: 8,
        blocks: [2],
        dense: [8],
        classes: 3,
        denseP: 0.5,
        convP: 0.2,
        convDrop: 'dropout2d',
      },
      g,
    );
    const data = {
      x: uniform([23, 1, 8, 8], { generator: g }),
      y: new Tensor(
        Int32Array.from({ length: 23 }, (_, i) => i % 3),
        [23],
        'int32',
      ),
    };
    const whole = evaluateInChunks(net, data, crossEntropy);
    const small = evaluateInChunks(net, data, crossEntropy, undefined, 5);
    expect(small.accuracy).toBe(whole.accuracy);
    expect(small.loss).toBeCloseTo(whole.loss, 5);
  });
});

/** A configuration with given final accuracies, one run per value pair. */
function config(name: string, train: number[], test: number[]): ConfigResult {
  return {
    name,
    runs: train.map(
      (t, i) =>
        ({
          name,
          seed: i + 1,
          history: [],
          final: {
            trainAccuracy: t,
            testAccuracy: test[i]!,
            trainLoss: 0,
            testLoss: 0,
            gap: t - test[i]!,
          },
        }) as unknown as RunResult,
    ),
  };
}

describe('convFindings (generated from the numbers)', () => {
  const data = { label: 'MNIST', why: 'it is what there is' };
  const sweep = (train: (p: number) => number, test: (p: number) => number) =>
    CONV_RATES.map((p) =>
      config(
        p === 0 ? 'no dropout' : `p = ${p.toFixed(1)}`,
        [train(p), train(p)],
        [test(p), test(p) + 0.001],
      ),
    );
  const flat = config('x', [0.9, 0.9], [0.8, 0.801]);

  it('names the data, the best rate, and under-fitting when the top rate loses train and test accuracy', () => {
    // Test accuracy peaks at p = 0.3; training accuracy falls with p.
    const f = convFindings(
      data,
      sweep(
        (p) => 1 - p / 2,
        (p) => 0.9 - (p - 0.3) ** 2,
      ),
      { ...flat, name: 'Dropout (conv)' },
      { ...flat, name: 'Dropout2d (conv)' },
    );
    expect(f[0]).toBe('Trained on MNIST: it is what there is.');
    expect(f[1]).toBe(
      'The best test accuracy is 90.05 % at dense p = 0.3, against 81.05 % without dropout.',
    );
    expect(f.join('\n')).toMatch(
      /At p = 0.9 every seed fits the training set worse than every seed without dropout .*: the highest rate under-fits/,
    );
    expect(f).toContain(
      'Training accuracy is 100.00 % without dropout, 60.00 % at p = 0.8 and 55.00 % at p = 0.9; test accuracy at p = 0.9 is 54.05 % (−36.00 points from the best rate).',
    );
    expect(f).toContain(
      'Outside the seed spread, dense dropout raises test accuracy at p = 0.1, p = 0.2, p = 0.3, p = 0.4, p = 0.5 and lowers it at p = 0.7, p = 0.8, p = 0.9; elsewhere the difference is inside the spread.',
    );
  });

  it('with one seed per rate it says the spread is unmeasured instead of listing effects', () => {
    const one = (c: ConfigResult) => ({ ...c, runs: c.runs.slice(0, 1) });
    const f = convFindings(
      data,
      sweep(
        (p) => 1 - p / 2,
        (p) => 0.9 - (p - 0.3) ** 2,
      ).map(one),
      one({ ...flat, name: 'Dropout (conv)' }),
      one({ ...flat, name: 'Dropout2d (conv)' }),
    );
    expect(f.join('\n')).toMatch(/One seed per rate, so the spread is unmeasured/);
    expect(f.join('\n')).not.toMatch(/Outside the seed spread/);
    expect(f.join('\n')).toMatch(/At p = 0.9 the network \(one seed\) fits the training set worse/);
  });

  it('says so when the numbers show no under-fitting and no rate beats none', () => {
    const f = convFindings(
      data,
      sweep(
        () => 0.95,
        (p) => 0.9 - p / 100,
      ),
      { ...flat, name: 'Dropout (conv)' },
      { ...flat, name: 'Dropout2d (conv)' },
    );
    expect(f[1]).toMatch(/is without dropout: no rate of dense dropout beat it here/);
    expect(f.join('\n')).toMatch(/These numbers do not show under-fitting at p = 0.9/);
    expect(f.join('\n')).not.toMatch(/under-fits/);
  });

  it('Dropout2d against Dropout: effect, reversed or inside the spread, from the seeds', () => {
    const s = sweep(
      () => 0.95,
      () => 0.9,
    );
    const d = config('Dropout (conv)', [0.9, 0.9], [0.8, 0.801]);
    const better = convFindings(data, s, d, config('Dropout2d (conv)', [0.9, 0.9], [0.85, 0.851]));
    expect(better.join('\n')).toMatch(/Dropout2d \(conv\) is better, well outside the seed spread/);
    const worse = convFindings(data, s, d, config('Dropout2d (conv)', [0.9, 0.9], [0.75, 0.751]));
    expect(worse.join('\n')).toMatch(/Dropout2d \(conv\) is worse here/);
    const same = convFindings(data, s, d, config('Dropout2d (conv)', [0.9, 0.9], [0.79, 0.81]));
    expect(same.join('\n')).toMatch(
      /with Dropout2d \(conv\) against .* with Dropout \(conv\) .*inside the seed spread, so no effect is shown/,
    );
  });
});

describe('conv --quick', () => {
  it('trains the ten rates and both spatial configurations and records the data used', () => {
    const dir = join(out, 'q');
    const r = demo('conv', '--quick', '--out', dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Trained on MNIST: neither CIFAR-10/);
    for (const line of r.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    const report = JSON.parse(readFileSync(join(dir, 'conv', 'metrics.json'), 'utf8'));
    expect(report.title).toMatch(/^Dropout in a convolutional network \(MNIST, 200 training/);
    expect(report.findings[0]).toMatch(/^Trained on MNIST: /);
    const m = report.metrics;
    expect(m.dataset).toBe('mnist');
    expect(m.rates).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    expect(m.sweep.map((c: { name: string }) => c.name)).toEqual([
      'no dropout',
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => `p = 0.${k}`),
    ]);
    expect(m.spatial.map((c: { name: string }) => c.name)).toEqual([
      'Dropout (conv)',
      'Dropout2d (conv)',
    ]);
    // The sweep is evaluated after the last epoch only; the curves every epoch (quick).
    for (const c of m.sweep.slice(1))
      expect(c.runs[0].history.map((h: { epoch: number }) => h.epoch)).toEqual([2]);
    expect(m.sweep[0].runs[0].history).toHaveLength(2);
    for (const c of m.spatial) expect(c.runs[0].history).toHaveLength(2);
    for (const c of [...m.sweep, ...m.spatial]) {
      const { trainAccuracy, testAccuracy } = c.runs[0].final;
      expect(trainAccuracy).toBeGreaterThanOrEqual(0);
      expect(testAccuracy).toBeLessThanOrEqual(1);
    }
    expect(report.table.rows).toHaveLength(12);
    const html = readFileSync(join(dir, 'conv', 'report.html'), 'utf8');
    expect(html).toContain('Final accuracy against the dense dropout rate');
    expect(html).toContain('Dropout2d (conv)');
  });

  it('a --data-dir without CIFAR-10 batches fails before training, naming the file', () => {
    const r = demo('conv', '--quick', '--data-dir', join(out, 'nothing'), '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/loadCifar10FromDirectory/);
    expect(r.stderr).toMatch(/data_batch_1\.bin|nothing/);
    expect(r.stdout).not.toMatch(/epoch|p = 0\./);
  });

  it('--dataset moons is refused with a usage error', () => {
    const r = demo('conv', '--quick', '--dataset', 'moons', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/conv works on mnist and fashion-mnist, not moons/);
  });
});
