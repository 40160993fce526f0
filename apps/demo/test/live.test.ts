import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get, type IncomingMessage } from 'node:http';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import { liveHooks, livePort } from '../src/live.js';
import { liveReport } from '../src/live-report.js';
import { type LiveMessage, startLive } from '../src/live-server.js';
import type { Report } from '../src/report/types.js';
import type { EvalPoint } from '../src/train.js';

const main = join(import.meta.dirname, '..', 'dist', 'main.js');

const point = (epoch: number, acc: number, loss: number): EvalPoint => ({
  epoch,
  runningLoss: loss,
  train: { loss: loss / 2, accuracy: acc + 0.05 },
  test: { loss, accuracy: acc },
});

/** A GET written by hand on a socket, path and Host exactly as given; the whole answer. */
function rawGet(port: number, path: string, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`),
    );
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('end', () => resolve(answer)).on('error', reject);
  });
}

describe('livePort', () => {
  it('takes 0 to 65535 in decimal digits', () => {
    expect(livePort('0')).toBe(0);
    expect(livePort('8080')).toBe(8080);
    expect(livePort('65535')).toBe(65_535);
  });
  it.each(['65536', '-1', '0x10', '', '80.5', 'sweep'])('rejects %j, naming the option', (v) => {
    expect(() => livePort(v)).toThrow(InvalidArgumentError);
    expect(() => livePort(v)).toThrow(/^--live takes an optional port from 0 to 65535.*got ".*"/);
  });
});

describe('liveReport', () => {
  it('draws loss and accuracy per run, train and test, aligned on the epochs seen so far', () => {
    const r = liveReport({
      command: 'compare',
      quick: true,
      runs: [
        { config: 'no dropout', seed: 1, points: [point(1, 0.5, 0.9), point(2, 0.6, 0.8)] },
        { config: 'dropout', seed: 1, points: [point(2, 0.55, 0.85)] },
      ],
    });
    expect(r.command).toBe('compare');
    expect(r.quick).toBe(true);
    expect(r.charts.map((c) => [c.yUnit, c.yLog ?? false])).toEqual([
      ['number', true],
      ['percent', false],
    ]);
    const [loss, accuracy] = r.charts as [Report['charts'][0], Report['charts'][0]];
    expect(loss.labels).toEqual([1, 2]);
    // One colour per configuration (`config`), dash by split; a gap (null) where a run has no point.
    expect(loss.datasets.map((s) => [s.config, s.split, s.data])).toEqual([
      ['no dropout', 'train', [0.45, 0.4]],
      ['no dropout', 'test', [0.9, 0.8]],
      ['dropout', 'train', [null, 0.425]],
      ['dropout', 'test', [null, 0.85]],
    ]);
    expect(accuracy.datasets[1]!.data).toEqual([0.5, 0.6]);
    expect(accuracy.datasets.map((s) => s.label)).toEqual([
      'no dropout (train)',
      'no dropout (test)',
      'dropout (train)',
      'dropout (test)',
    ]);
    expect(r.table.rows).toEqual([
      ['no dropout', 1, 2, '65.00 %', '60.00 %', '0.8000'],
      ['dropout', 1, 2, '60.00 %', '55.00 %', '0.8500'],
    ]);
    expect(r.findings).toEqual([
      '2 runs started, 3 evaluations so far. The findings come with the final report, once every run has finished.',
    ]);
  });

  it('tells seeds of one configuration apart in the legend, in the same colour', () => {
    const r = liveReport({
      command: 'compare',
      quick: false,
      runs: [
        { config: 'dropout', seed: 1, points: [point(1, 0.5, 0.9)] },
        { config: 'dropout', seed: 2, points: [] },
      ],
    });
    expect(r.charts[0]!.datasets.map((s) => [s.config, s.label])).toEqual([
      ['dropout', 'dropout s1 (train)'],
      ['dropout', 'dropout s1 (test)'],
      ['dropout', 'dropout s2 (train)'],
      ['dropout', 'dropout s2 (test)'],
    ]);
    expect(r.table.rows[1]).toEqual(['dropout', 2, '–', '–', '–', '–']);
  });

  it('says that training has not started before the first run', () => {
    const r = liveReport({ command: 'mc', quick: false, runs: [] });
    expect(r.findings).toEqual(['Training has not started yet: the data is loading.']);
    expect(r.charts.every((c) => c.labels.length === 0 && c.datasets.length === 0)).toBe(true);
    expect(r.table.rows).toEqual([]);
  });
});

/** Reads server-sent events from a response as they come. */
function events(res: IncomingMessage) {
  const seen: { event: string; data: unknown }[] = [];
  let buffer = '';
  const waiters: (() => void)[] = [];
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    buffer += chunk;
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const name = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (name !== undefined && data !== undefined)
        seen.push({ event: name, data: JSON.parse(data) });
      else seen.push({ event: 'comment', data: block });
      end = buffer.indexOf('\n\n');
    }
    for (const w of waiters.splice(0)) w();
  });
  res.on('end', () => {
    seen.push({ event: 'end', data: null });
    for (const w of waiters.splice(0)) w();
  });
  /** Waits until `count` events of the name have come. */
  const until = async (name: string, count = 1) => {
    while (seen.filter((e) => e.event === name).length < count)
      await new Promise<void>((resolve) => waiters.push(resolve));
    return seen.filter((e) => e.event === name);
  };
  return { seen, until };
}

const request = (url: string) =>
  new Promise<IncomingMessage>((resolve, reject) => get(url, resolve).on('error', reject));

const body = async (res: IncomingMessage) => {
  res.setEncoding('utf8');
  let text = '';
  for await (const chunk of res) text += chunk;
  return text;
};

describe('liveHooks', () => {
  it('turns a command, its runs, evaluations and final report into messages', async () => {
    const sent: LiveMessage[] = [];
    const hooks = liveHooks('sweep', false, (m) => sent.push(m));
    hooks.observer!.onRunStart('p=0.5', 3);
    await hooks.observer!.onPoint('p=0.5', 3, point(5, 0.9, 0.3));
    const report = { title: 't', metrics: { big: 1 } } as unknown as Report;
    hooks.onReport!(report);
    expect(sent).toEqual([
      { type: 'command', command: 'sweep', quick: false },
      { type: 'run', config: 'p=0.5', seed: 3 },
      { type: 'point', config: 'p=0.5', seed: 3, point: point(5, 0.9, 0.3) },
      { type: 'report', report: { title: 't', metrics: undefined } },
    ]);
  });
});

describe('the live server', () => {
  let closeLater: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closeLater) await close();
    closeLater = [];
  });

  it('serves the live page and streams every update, then the final report and done', async () => {
    const out = await mkdtemp(join(tmpdir(), 'lacuna-live-'));
    closeLater.push(() => rm(out, { recursive: true, force: true }));
    const live = await startLive(0, out, { minIntervalMs: 0 });
    closeLater.push(() => live.close());
    expect(live.url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9][0-9]*\/$/);
    // The messages liveHooks sends for a command, as the worker relays them.
    const hooks = liveHooks('compare', true, (m) => live.send(m));

    const page = await request(live.url);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const html = await body(page);
    expect(html).toContain('window.LIVE = true');
    expect(html).toContain('<title>compare: training (live)</title>');

    const res = await request(`${live.url}events`);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const stream = events(res);
    // The current state on connect.
    const [first] = await stream.until('report');
    expect((first!.data as Report).findings[0]).toMatch(/not started/);

    hooks.observer!.onRunStart('no dropout', 1);
    await hooks.observer!.onPoint('no dropout', 1, point(1, 0.5, 0.9));
    await hooks.observer!.onPoint('no dropout', 1, point(2, 0.6, 0.8));
    const reports = await stream.until('report', 4);
    const counts = reports.map((e) =>
      (e.data as Report).charts[0]!.datasets.reduce(
        (n, s) => n + s.data.filter((v) => v !== null).length,
        0,
      ),
    );
    expect(counts).toEqual([0, 0, 2, 4]);
    const statuses = await stream.until('status', 4);
    expect(statuses[3]!.data).toBe('live: compare: no dropout, seed 1, epoch 2 evaluated');

    const final: Report = {
      command: 'compare',
      title: 'Does dropout prevent over-fitting?',
      findings: ['a finding'],
      quick: true,
      settings: {},
      table: { columns: ['configuration'], rows: [['no dropout']] },
      charts: [],
      metrics: { large: [1, 2, 3] },
    };
    hooks.onReport!(final);
    const last = (await stream.until('report', 5))[4]!.data as Report;
    expect(last.title).toBe('Does dropout prevent over-fitting?');
    expect(last.metrics).toBeUndefined(); // the raw metrics stay in metrics.json
    live.send({ type: 'done' });
    await stream.until('done');

    // A page opened later gets the final report and done at once.
    const late = events(await request(`${live.url}events`));
    await late.until('done');
    expect(late.seen.map((e) => e.event)).toEqual(['report', 'status', 'done']);
    expect((late.seen[0]!.data as Report).title).toBe('Does dropout prevent over-fitting?');

    await live.close();
    await stream.until('end');
    await late.until('end');
  });

  it('coalesces updates that come faster than the least interval; the final report goes at once', async () => {
    const out = await mkdtemp(join(tmpdir(), 'lacuna-live-'));
    closeLater.push(() => rm(out, { recursive: true, force: true }));
    const live = await startLive(0, out, { minIntervalMs: 3_600_000 });
    closeLater.push(() => live.close());
    const stream = events(await request(`${live.url}events`));
    await stream.until('report');
    // A command's start is sent at once; the runs and points after it wait for the interval.
    const hooks = liveHooks('compare', true, (m) => live.send(m));
    hooks.observer!.onRunStart('no dropout', 1);
    for (let epoch = 1; epoch <= 5; epoch++)
      await hooks.observer!.onPoint('no dropout', 1, point(epoch, 0.5, 0.9));
    hooks.onReport!({
      ...liveReport({ command: 'compare', quick: true, runs: [] }),
      title: 'final',
    });
    const reports = await stream.until('report', 3);
    expect(reports.map((e) => (e.data as Report).title)).toEqual([
      'lacuna-demo: training (live)',
      'compare: training (live)',
      'final',
    ]);
    const statuses = await stream.until('status', 3);
    expect(statuses.map((e) => e.data)).toEqual([
      'live: the data is loading',
      'live: compare: the data is loading',
      'live: compare finished; this is its final report',
    ]);
  });

  it('keeps a configuration trained again at the same seed as a run of its own', async () => {
    const live = await startLive(0, tmpdir(), { minIntervalMs: 0 });
    closeLater.push(() => live.close());
    const stream = events(await request(`${live.url}events`));
    const hooks = liveHooks('ensemble', true, (m) => live.send(m));
    for (const repeat of [0, 1]) {
      hooks.observer!.onRunStart('dropout', 1);
      await hooks.observer!.onPoint('dropout', 1, point(1, 0.5 + repeat / 10, 0.9));
    }
    const last = (await stream.until('report', 6))[5]!.data as Report;
    expect(last.table.rows).toEqual([
      ['dropout', 1, 1, '55.00 %', '50.00 %', '0.9000'],
      ['dropout', 1, 1, '65.00 %', '60.00 %', '0.9000'],
    ]);
  });

  it('answers 404 for other paths and for reports not written yet', async () => {
    const out = await mkdtemp(join(tmpdir(), 'lacuna-live-'));
    closeLater.push(() => rm(out, { recursive: true, force: true }));
    const live = await startLive(0, out);
    closeLater.push(() => live.close());
    for (const path of ['nope', 'index.html', 'compare/report.html', '../etc/passwd']) {
      const res = await request(`${live.url}${path}`);
      await body(res);
      expect(res.statusCode, path).toBe(404);
    }
  });

  it('never serves a file outside --out, whatever the raw request path', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'lacuna-live-'));
    closeLater.push(() => rm(parent, { recursive: true, force: true }));
    const out = join(parent, 'out');
    await mkdir(join(out, 'compare'), { recursive: true });
    await writeFile(join(parent, 'index.html'), 'SECRET');
    await writeFile(join(parent, 'report.html'), 'SECRET');
    const live = await startLive(0, out);
    closeLater.push(() => live.close());
    const { port } = new URL(live.url);
    // Raw requests: an HTTP client would normalise the dots away before sending.
    for (const path of [
      '/../index.html',
      '/%2e%2e/index.html',
      '/..%2findex.html',
      '/compare/../../report.html',
      '/compare/..%2f..%2freport.html',
    ]) {
      const answer = await rawGet(Number(port), path, `127.0.0.1:${port}`);
      expect(answer, path).not.toContain('SECRET');
      expect(answer, path).toMatch(/^HTTP\/1\.1 (404|400)/);
    }
  });

  it('refuses a request whose Host is not the loopback address (DNS rebinding)', async () => {
    const live = await startLive(0, tmpdir());
    closeLater.push(() => live.close());
    const { port } = new URL(live.url);
    expect(await rawGet(Number(port), '/', 'evil.example')).toMatch(/^HTTP\/1\.1 403/);
    expect(await rawGet(Number(port), '/', `localhost:${port}`)).toMatch(/^HTTP\/1\.1 200/);
  });

  it('is a usage error when the port is in use', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    closeLater.push(() => new Promise<void>((resolve) => busy.close(() => resolve())));
    const port = (busy.address() as { port: number }).port;
    const attempt = startLive(port, tmpdir());
    await expect(attempt).rejects.toThrow(UsageError);
    await expect(attempt).rejects.toThrow(
      `--live ${port}: port ${port} on 127.0.0.1 is in use; --live 0 picks a free one`,
    );

    // Through the command line: one line on stderr, exit status 2, before any training.
    const r = spawnSync(process.execPath, [main, '--quick', '--live', String(port)], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `lacuna-demo: --live ${port}: port ${port} on 127.0.0.1 is in use; --live 0 picks a free one\n`,
    );
    expect(r.stdout).toBe('');
  });

  it('rejects a command name read as the port, saying to name the command first', () => {
    const r = spawnSync(process.execPath, [main, '--live', 'sweep'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /--live takes an optional port .*got "sweep"; name the command before --live/,
    );
  });
});
