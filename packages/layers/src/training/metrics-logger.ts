import { statSync } from 'node:fs';
import { appendFile, readFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { checkOptionKeys, describeValue, LacunaError, optionEnum } from '@lacuna/tensor';
import { ensureDir, FileError, toFileError, writeFileAtomic } from '@lacuna/tensor/node';
import type { Callback, EpochLog } from './fit-types.js';
import {
  csvLine,
  flattenLog,
  jsonLine,
  type MetricRecord,
  type MetricValue,
  parseCsv,
} from './metrics-format.js';

/** Options of {@link metricsLogger}. */
export interface MetricsLoggerOptions {
  /**
   * `'csv'` or `'jsonl'` (JSON Lines). Default: from the path's extension (`.csv`; `.jsonl` or
   * `.ndjson`); any other extension needs it.
   */
  format?: 'csv' | 'jsonl';
  /**
   * More columns per epoch, after the log's: e.g. `() => ({ lr: optimizer.lr })` for the learning
   * rate, which the epoch log does not hold. Values: numbers, strings, booleans or null; a key the
   * log already has is an error.
   */
  extra?: (log: EpochLog) => Record<string, MetricValue>;
}

const OP = 'metricsLogger';
const AT = { op: OP, argument: 'path' };

function formatOf(path: string, given: unknown): 'csv' | 'jsonl' {
  const format = optionEnum(OP, 'options.format', given, ['csv', 'jsonl'], 'csv');
  if (given !== undefined) return format;
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  throw new LacunaError(
    OP,
    'options.format',
    `is needed: the path ${JSON.stringify(path)} ends in neither .csv nor .jsonl/.ndjson`,
  );
}

/**
 * The text to keep of a file: its records of epochs before `start` (with the CSV header, which
 * must list `columns`); later records and a torn last one are dropped.
 */
function keptText(
  format: 'csv' | 'jsonl',
  text: string,
  path: string,
  columns: string[],
  start: number,
): string {
  const bad = (detail: string) =>
    new FileError(OP, 'path', path, `${detail}; log to a new file or delete this one`);
  const epochOf = (value: unknown, where: string) => {
    const epoch = typeof value === 'string' && value !== '' ? Number(value) : value;
    if (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 1)
      throw bad(`has ${where} with epoch ${describeValue(value)}, expected a positive integer`);
    return epoch;
  };
  if (format === 'csv') {
    let records: string[][];
    try {
      records = parseCsv(text);
    } catch (error) {
      throw bad(`is not CSV: ${(error as Error).message}`);
    }
    const [header, ...rows] = records;
    if (!header) return csvLine(columns);
    if (header.join('\u0000') !== columns.join('\u0000'))
      throw bad(
        `has columns ${JSON.stringify(header)}, but this run logs ${JSON.stringify(columns)}`,
      );
    const epochs = rows.map((row, k) => {
      if (row.length !== header.length)
        throw bad(`has ${row.length} fields in row ${k + 1}, expected ${header.length}`);
      return epochOf(row[header.indexOf('epoch')], `row ${k + 1}`);
    });
    return [header, ...rows.filter((_, k) => epochs[k]! < start)].map((r) => csvLine(r)).join('');
  }
  // A last line without its newline is a write torn by a crash: dropped.
  const lines = text.split('\n').slice(0, -1);
  const epochs = lines.map((line, k) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw bad(`has line ${k + 1} that is not JSON`);
    }
    return epochOf((value as { epoch?: unknown } | null)?.epoch, `line ${k + 1}`);
  });
  return lines
    .filter((_, k) => epochs[k]! < start)
    .map((line) => `${line}\n`)
    .join('');
}

/**
 * A callback for `fit` that writes each epoch's metrics to a CSV or JSON Lines file as the epoch
 * ends, so another process can watch the file while training runs (like Keras's CSVLogger).
 *
 * Columns: the epoch log flattened, in its order: `epoch`, `train_loss`, `train_accuracy`,
 * `validation_loss`, `validation_accuracy` (only when `fit` has a validation set), `seconds` (the
 * epoch's training time), then `extra`'s keys.
 *
 * - CSV: a header line, then one line per epoch; fields quoted by RFC 4180 (a field holding a
 *   comma, quote or line break is quoted and its quotes doubled); lines end in `\n`. Numbers are
 *   written so they read back to the same float64 (`String(x)`, with `-0` kept); NaN and
 *   ±Infinity as `NaN`, `Infinity`, `-Infinity`; null (accuracy of a regression) as an empty
 *   field. Every epoch must have the header's columns: a log with other columns is a LacunaError.
 * - JSON Lines: one JSON object per line with the same keys; JSON has no NaN or Infinity, so
 *   those are written as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
 *
 * Writing: the first epoch a logger sees in a run (its first call, or an epoch that does not
 * follow the previous one) rewrites the file atomically, keeping only the records of earlier
 * epochs, and adds its record; each later epoch is appended (`appendFile`, one write per epoch).
 * So a fresh run (epoch 1) replaces the file, and a run resumed at epoch k (`fit` with `resume`)
 * keeps epochs 1..k-1 and redoes the rest: no epoch is ever listed twice, even when a run died
 * after logging an epoch but before its checkpoint. A last record torn by a crash (no final line
 * break) is dropped. Records are kept only when the file's CSV header matches this run's columns
 * and every record's epoch is a positive integer; otherwise a FileError says so and nothing is
 * written.
 *
 * @param path - The file (`.csv`, `.jsonl` or `.ndjson`, or any name with `format`). Missing
 *   parent directories are created.
 * @param options - See {@link MetricsLoggerOptions}; unknown keys are errors.
 * @returns A {@link Callback} for `fit`'s `callbacks`.
 * @throws LacunaError on a bad path or option (at once); FileError when the path is a directory
 *   (at once) or cannot be written (from `fit`, when the first epoch ends), naming the path and the
 *   system's code.
 * @example
 * ```ts
 * import { crossEntropy, fit, Linear } from '@lacuna/layers';
 * import { metricsLogger } from '@lacuna/layers/node';
 * import { Generator, randint, uniform } from '@lacuna/tensor';
 * const g = new Generator(0);
 * const net = new Linear(2, 2, { generator: g });
 * const x = uniform([16, 2], { generator: g });
 * const y = randint(0, 2, [16], { generator: g });
 * const optimizer = { zeroGrad: () => net.zeroGrad(), step: () => {}, stateDict: () => ({}), loadStateDict: () => {} };
 * await fit(net, { data: { batches: () => [{ x, y }] }, optimizer, loss: crossEntropy, epochs: 2, trainEval: { x, y },
 *   callbacks: [metricsLogger('metrics.csv')] });
 * ```
 */
export function metricsLogger(path: string, options?: MetricsLoggerOptions): Callback {
  if (typeof path !== 'string' || path === '')
    throw new LacunaError(OP, 'path', `must be a non-empty string, got ${describeValue(path)}`);
  checkOptionKeys(OP, options, ['format', 'extra']);
  const format = formatOf(path, options?.format);
  const extra = options?.extra;
  if (extra !== undefined && typeof extra !== 'function')
    throw new LacunaError(OP, 'options.extra', `must be a function, got ${describeValue(extra)}`);
  // Fail before training when the mistake is visible now; other failures come at the first write.
  let isDir = false;
  try {
    isDir = statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    // Unreadable parent and the like: the first write names the reason.
  }
  if (isDir) throw new FileError(OP, 'path', path, 'is a directory, expected a file', 'EISDIR');

  let last: number | null = null; // the last epoch written by this logger
  let columns: string[] | null = null; // CSV: the header's columns

  const line = (record: MetricRecord) =>
    format === 'csv' ? csvLine(record.map(([, v]) => v)) : jsonLine(record);

  return {
    async onEpochEnd(log) {
      const record = flattenLog(log, extra?.(log));
      const keys = record.map(([k]) => k);
      if (last === null || log.epoch !== last + 1) {
        // A (re)start: keep only earlier epochs' records, then this one, in one atomic write.
        await ensureDir(dirname(path), AT);
        let before = '';
        if (log.epoch > 1) {
          const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
            if (error.code === 'ENOENT') return '';
            throw toFileError(error, AT, path, 'read');
          });
          before = keptText(format, text, path, keys, log.epoch);
        } else if (format === 'csv') before = csvLine(keys);
        columns = keys;
        await writeFileAtomic(path, before + line(record), { at: AT });
      } else {
        if (format === 'csv' && columns!.join('\u0000') !== keys.join('\u0000'))
          throw new LacunaError(
            OP,
            'log',
            `of epoch ${log.epoch} has columns ${JSON.stringify(keys)}, but the file's header has ${JSON.stringify(columns)}`,
          );
        await appendFile(path, line(record)).catch((error: unknown) => {
          throw toFileError(error, AT, path, 'written');
        });
      }
      last = log.epoch;
    },
  };
}
