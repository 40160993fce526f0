import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LacunaError } from '@lacuna/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileError, metricsLogger } from '../node.js';
import { train } from '../test-util/training-run.js';
import { memoryCheckpointer } from './checkpointing.js';
import type { Checkpointer, EpochLog } from './fit-types.js';
import { parseCsv } from './metrics-format.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lacuna-metrics-logger-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const COLUMNS = [
  'epoch',
  'train_loss',
  'train_accuracy',
  'validation_loss',
  'validation_accuracy',
  'seconds',
];

/** The history's logs as the logger flattens them. */
const flat = (logs: EpochLog[]) =>
  logs.map((l) => [
    l.epoch,
    l.train.loss,
    l.train.accuracy,
    l.validation!.loss,
    l.validation!.accuracy,
    l.seconds,
  ]);

/** A CSV file read back: header and rows with fields as numbers. */
async function readCsv(path: string) {
  const [header, ...rows] = parseCsv(await readFile(path, 'utf8'));
  return { header, rows: rows.map((r) => r.map((f) => (f === '' ? null : Number(f)))) };
}

async function readJsonl(path: string) {
  const text = await readFile(path, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const log = (epoch: number, more: Partial<EpochLog> = {}): EpochLog => ({
  epoch,
  train: { loss: 0.5, accuracy: 0.75 },
  validation: null,
  seconds: 1,
  ...more,
});

/** What a callback's result rejects with (undefined when it does not). */
async function errorOf(result: unknown): Promise<unknown> {
  try {
    await result;
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('metricsLogger during fit', () => {
  it('writes one CSV row and one JSONL line per epoch, exactly the history fit returns', async () => {
    const csv = join(dir, 'run', 'metrics.csv');
    const jsonl = join(dir, 'run', 'metrics.jsonl');
    const seen: number[] = [];
    const { history } = await train(3, 3, {
      callbacks: [
        metricsLogger(csv),
        metricsLogger(jsonl),
        // Flushed as each epoch ends: the file already holds this epoch when the next callback runs.
        {
          onEpochEnd: async () => {
            seen.push((await readCsv(csv)).rows.length);
          },
        },
      ],
    });
    expect(seen).toEqual([1, 2, 3]);
    const { header, rows } = await readCsv(csv);
    expect(header).toEqual(COLUMNS);
    // toEqual uses Object.is on numbers: every float64 read back bit for bit.
    expect(rows).toEqual(flat(history.epochs));
    const lines = await readJsonl(jsonl);
    expect(lines.map((l) => Object.keys(l))).toEqual([COLUMNS, COLUMNS, COLUMNS]);
    expect(lines.map((l) => COLUMNS.map((c) => l[c]))).toEqual(flat(history.epochs));
  });

  it('on resume keeps the epochs before the checkpoint and lists every epoch once', async () => {
    const path = join(dir, 'resume.csv');
    const jsonl = join(dir, 'resume.jsonl');
    const checkpoint = memoryCheckpointer();
    await train(5, 2, { checkpoint, callbacks: [metricsLogger(path), metricsLogger(jsonl)] });
    expect((await readCsv(path)).rows.map((r) => r[0])).toEqual([1, 2]);
    const { history } = await train(5, 4, {
      checkpoint,
      resume: true,
      callbacks: [metricsLogger(path), metricsLogger(jsonl)],
    });
    expect(history.resumedFrom).toBe(2);
    const { rows } = await readCsv(path);
    expect(rows.map((r) => r[0])).toEqual([1, 2, 3, 4]);
    expect(rows).toEqual(flat(history.epochs));
    const lines = await readJsonl(jsonl);
    expect(lines.map((l) => COLUMNS.map((c) => l[c]))).toEqual(flat(history.epochs));
  });

  it('drops an epoch logged by a run that died before its checkpoint, and a torn last line', async () => {
    const path = join(dir, 'died.csv');
    const memory = memoryCheckpointer();
    // Dies while saving epoch 3's checkpoint: the logger has written epoch 3 already.
    const dying: Checkpointer = {
      save: async (s) => {
        if (s.epoch === 3) throw new Error('killed');
        await memory.save(s);
      },
      load: () => memory.load(),
    };
    await expect(
      train(6, 4, { checkpoint: dying, callbacks: [metricsLogger(path)] }),
    ).rejects.toThrow('killed');
    expect((await readCsv(path)).rows.map((r) => r[0])).toEqual([1, 2, 3]);
    await writeFile(path, `${await readFile(path, 'utf8')}4,0.1,0.`, { flag: 'w' });
    const { history } = await train(6, 4, {
      checkpoint: memory,
      resume: true,
      callbacks: [metricsLogger(path)],
    });
    const { rows } = await readCsv(path);
    expect(rows.map((r) => r[0])).toEqual([1, 2, 3, 4]);
    expect(rows).toEqual(flat(history.epochs));
  });

  it('a fresh run (epoch 1) replaces what the file held', async () => {
    const path = join(dir, 'fresh.jsonl');
    await writeFile(path, 'not json at all\n');
    const { history } = await train(2, 2, { callbacks: [metricsLogger(path)] });
    const lines = await readJsonl(path);
    expect(lines.map((l) => COLUMNS.map((c) => l[c]))).toEqual(flat(history.epochs));
  });
});

describe('metricsLogger formats', () => {
  it('quotes keys and values holding commas, quotes and line breaks (RFC 4180)', async () => {
    const path = join(dir, 'quote.csv');
    const logger = metricsLogger(path, {
      extra: (l) => ({ 'note, "quoted"': `say "hi", epoch ${l.epoch}\nbye`, plain: 'x' }),
    });
    await logger.onEpochEnd!(log(1));
    await logger.onEpochEnd!(log(2));
    expect(await readFile(path, 'utf8')).toBe(
      'epoch,train_loss,train_accuracy,seconds,"note, ""quoted""",plain\n' +
        '1,0.5,0.75,1,"say ""hi"", epoch 1\nbye",x\n' +
        '2,0.5,0.75,1,"say ""hi"", epoch 2\nbye",x\n',
    );
    expect(parseCsv(await readFile(path, 'utf8'))[2]).toEqual([
      '2',
      '0.5',
      '0.75',
      '1',
      'say "hi", epoch 2\nbye',
      'x',
    ]);
    const jsonl = join(dir, 'quote.jsonl');
    const j = metricsLogger(jsonl, { extra: () => ({ 'a,"b"': 'c,"d"\n', lr: 0.1, flag: true }) });
    await j.onEpochEnd!(log(1));
    expect((await readJsonl(jsonl))[0]).toEqual({
      epoch: 1,
      train_loss: 0.5,
      train_accuracy: 0.75,
      seconds: 1,
      'a,"b"': 'c,"d"\n',
      lr: 0.1,
      flag: true,
    });
  });

  it('writes NaN, ±Infinity, -0, null and full-precision numbers', async () => {
    const special = log(1, {
      train: { loss: Number.NaN, accuracy: null },
      validation: { loss: Number.POSITIVE_INFINITY, accuracy: 1 / 3 },
      seconds: -0,
    });
    const extra = () => ({ low: Number.NEGATIVE_INFINITY, tiny: 5e-324, big: 1e21 });
    const csv = join(dir, 'special.csv');
    await metricsLogger(csv, { extra }).onEpochEnd!(special);
    expect((await readFile(csv, 'utf8')).split('\n')[1]).toBe(
      '1,NaN,,Infinity,0.3333333333333333,-0,-Infinity,5e-324,1e+21',
    );
    const { rows } = await readCsv(csv);
    expect(rows[0]).toEqual([1, Number.NaN, null, Infinity, 1 / 3, -0, -Infinity, 5e-324, 1e21]);
    const jsonl = join(dir, 'special.jsonl');
    await metricsLogger(jsonl, { extra }).onEpochEnd!(special);
    expect(await readFile(jsonl, 'utf8')).toBe(
      '{"epoch":1,"train_loss":"NaN","train_accuracy":null,"validation_loss":"Infinity",' +
        '"validation_accuracy":0.3333333333333333,"seconds":-0,"low":"-Infinity","tiny":5e-324,"big":1e+21}\n',
    );
  });

  it('takes the format from the option, else from the extension', async () => {
    const path = join(dir, 'metrics.log');
    await metricsLogger(path, { format: 'jsonl' }).onEpochEnd!(log(1));
    expect(await readJsonl(path)).toEqual([
      { epoch: 1, train_loss: 0.5, train_accuracy: 0.75, seconds: 1 },
    ]);
    const ndjson = join(dir, 'METRICS.NDJSON');
    await metricsLogger(ndjson).onEpochEnd!(log(1));
    expect(await readJsonl(ndjson)).toHaveLength(1);
    const csv = join(dir, 'metrics.jsonl.csv');
    await metricsLogger(csv).onEpochEnd!(log(1));
    expect(await readFile(csv, 'utf8')).toBe(
      'epoch,train_loss,train_accuracy,seconds\n1,0.5,0.75,1\n',
    );
  });

  it('refuses a log whose columns differ from the header, and a foreign header on resume', async () => {
    const path = join(dir, 'columns.csv');
    const logger = metricsLogger(path);
    await logger.onEpochEnd!(log(1));
    await expect(
      logger.onEpochEnd!(log(2, { validation: { loss: 1, accuracy: 0 } })),
    ).rejects.toThrow(
      /metricsLogger: argument 'log' of epoch 2 has columns .*validation_loss.*but the file's header has/,
    );
    const resumed = metricsLogger(path);
    const call = resumed.onEpochEnd!(log(2, { validation: { loss: 1, accuracy: 0 } }));
    await expect(call).rejects.toThrow(FileError);
    await expect(
      metricsLogger(path).onEpochEnd!(log(2, { validation: { loss: 1, accuracy: 0 } })),
    ).rejects.toThrow(/metricsLogger: argument 'path' \(".*columns.csv"\) has columns/);
    // Nothing was written by the refused calls.
    expect((await readCsv(path)).rows).toEqual([[1, 0.5, 0.75, 1]]);
  });

  it('refuses to keep records whose epoch is not a positive integer', async () => {
    const path = join(dir, 'bad-epoch.jsonl');
    await writeFile(path, '{"epoch":1}\n{"epoch":"two"}\n');
    await expect(metricsLogger(path).onEpochEnd!(log(3))).rejects.toThrow(
      /metricsLogger: argument 'path' .* line 2 with epoch "two" \(a string\), expected a positive integer/,
    );
    const csv = join(dir, 'bad-epoch.csv');
    await writeFile(csv, 'epoch,train_loss,train_accuracy,seconds\n1,0.5,0.75,1\n1.5,0,0,0\n');
    await expect(metricsLogger(csv).onEpochEnd!(log(3))).rejects.toThrow(/row 2 with epoch/);
  });
});

describe('metricsLogger arguments', () => {
  it('rejects bad paths and options with typed errors naming the argument', () => {
    const p = join(dir, 'opts.csv');
    expect(() => metricsLogger('')).toThrow(
      /metricsLogger: argument 'path' must be a non-empty string, got ""/,
    );
    expect(() => metricsLogger(3 as unknown as string)).toThrow(LacunaError);
    expect(() => metricsLogger(p, { formt: 'csv' } as never)).toThrow(
      /metricsLogger: argument 'options.formt' is not a known option. did you mean 'format'\?/,
    );
    expect(() => metricsLogger(p, { format: 'tsv' as 'csv' })).toThrow(
      /metricsLogger: argument 'options.format' must be one of 'csv', 'jsonl', got "tsv"/,
    );
    expect(() => metricsLogger(join(dir, 'metrics.txt'))).toThrow(
      /metricsLogger: argument 'options.format' is needed: .* ends in neither \.csv nor \.jsonl/,
    );
    expect(() => metricsLogger(p, { extra: 1 as never })).toThrow(
      /metricsLogger: argument 'options.extra' must be a function, got 1 \(a number\)/,
    );
    expect(() => metricsLogger(p, 'csv' as never)).toThrow(
      /metricsLogger: argument 'options' must be an object of options/,
    );
  });

  it('rejects extra columns that are not scalars or that repeat a log column', async () => {
    const bad = metricsLogger(join(dir, 'extra1.csv'), { extra: () => ({ lr: [0.1] as never }) });
    await expect(bad.onEpochEnd!(log(1))).rejects.toThrow(
      /metricsLogger: argument 'options.extra' has "lr" = an array of length 1, expected a number, string, boolean or null/,
    );
    const clash = metricsLogger(join(dir, 'extra2.csv'), { extra: () => ({ epoch: 2 }) });
    await expect(clash.onEpochEnd!(log(1))).rejects.toThrow(
      /argument 'options.extra' returned column "epoch", which the epoch log already has/,
    );
  });

  it('fails with a FileError on a directory, a path under a file and /proc, without hanging', async () => {
    await mkdir(join(dir, 'taken.csv'));
    expect(() => metricsLogger(join(dir, 'taken.csv'))).toThrow(
      /metricsLogger: argument 'path' \(".*taken.csv"\) is a directory/,
    );
    await writeFile(join(dir, 'file'), 'x');
    const underFile = metricsLogger(join(dir, 'file', 'm.csv'));
    const e1 = await errorOf(underFile.onEpochEnd!(log(1)));
    expect(e1).toBeInstanceOf(FileError);
    expect((e1 as FileError).message).toMatch(/metricsLogger: argument 'path'/);
    if (process.platform === 'linux') {
      for (const path of ['/proc/lacuna-metrics/m.csv', '/proc/lacuna-metrics.csv']) {
        const e = await errorOf(metricsLogger(path).onEpochEnd!(log(1)));
        expect(e).toBeInstanceOf(FileError);
        expect((e as FileError).message).toMatch(/metricsLogger: argument 'path'/);
      }
    }
  });
});
