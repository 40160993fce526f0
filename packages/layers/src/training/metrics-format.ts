import { describeValue, LacunaError } from '@lacuna/tensor';
import type { EpochLog } from './fit-types.js';

/**
 * Text encodings of epoch logs for `metricsLogger` (CSV and JSON Lines), kept free of Node so the
 * rules can be tested alone. One record per epoch; columns are the log's fields flattened.
 */

/** A value one column of a record can hold. */
export type MetricValue = number | string | boolean | null;

/** One epoch flattened: column name → value, in column order. */
export type MetricRecord = [string, MetricValue][];

const OP = 'metricsLogger';

function checkValue(argument: string, key: string, value: unknown): MetricValue {
  if (
    value === null ||
    typeof value === 'number' ||
    typeof value === 'string' ||
    typeof value === 'boolean'
  )
    return value;
  throw new LacunaError(
    OP,
    argument,
    `has ${JSON.stringify(key)} = ${describeValue(value)}, expected a number, string, boolean or null`,
  );
}

/**
 * Flattens a log: `{ epoch, train: { loss, accuracy }, validation, seconds }` becomes `epoch,
 * train_loss, train_accuracy, validation_loss, validation_accuracy, seconds` in the log's own key
 * order; a nested object that is null (no validation set) gives no columns; `extra`'s keys follow.
 * Walking the log's keys (not a fixed list) means a field added to {@link EpochLog} later is
 * logged without a change here.
 */
export function flattenLog(
  log: EpochLog,
  extra: Record<string, unknown> | undefined,
): MetricRecord {
  const record: MetricRecord = [];
  for (const [key, value] of Object.entries(log)) {
    if (value !== null && typeof value === 'object') {
      for (const [sub, v] of Object.entries(value))
        record.push([`${key}_${sub}`, checkValue('log', `${key}_${sub}`, v)]);
    } else if (value !== null) record.push([key, checkValue('log', key, value)]);
  }
  if (extra !== undefined) {
    if (extra === null || typeof extra !== 'object' || Array.isArray(extra))
      throw new LacunaError(
        OP,
        'options.extra',
        `must return an object of column values, got ${describeValue(extra)}`,
      );
    for (const [key, value] of Object.entries(extra)) {
      if (record.some(([k]) => k === key))
        throw new LacunaError(
          OP,
          'options.extra',
          `returned column ${JSON.stringify(key)}, which the epoch log already has`,
        );
      record.push([key, checkValue('options.extra', key, value)]);
    }
  }
  return record;
}

/**
 * A number as text that reads back to the same float64: `String(x)` (shortest round-trip form),
 * `-0` kept, and `NaN`, `Infinity`, `-Infinity` spelled out.
 */
export function formatNumber(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

/** RFC 4180: a field holding a comma, a quote, CR or LF is quoted, its quotes doubled. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record ending in `\n`; null is an empty field. */
export function csvLine(fields: MetricValue[]): string {
  return `${fields
    .map((v) => csvField(v === null ? '' : typeof v === 'number' ? formatNumber(v) : String(v)))
    .join(',')}\n`;
}

/** One JSON object on one line ending in `\n`; NaN and ±Infinity become strings. */
export function jsonLine(record: MetricRecord): string {
  const body = record.map(([key, v]) => {
    const text =
      typeof v === 'number'
        ? Number.isFinite(v)
          ? formatNumber(v)
          : JSON.stringify(String(v))
        : JSON.stringify(v);
    return `${JSON.stringify(key)}:${text}`;
  });
  return `{${body.join(',')}}\n`;
}

/**
 * Parses CSV text (RFC 4180: quoted fields may hold commas, doubled quotes and line breaks; LF or
 * CRLF between records). A last record not ended by a line break is left out: a write torn by a
 * crash, which the logger rewrites.
 *
 * @returns The complete records, each a list of fields.
 * @throws Error (plain) on a quote inside an unquoted field or text after a closing quote; the
 *   caller wraps it with the path.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    let quoted = false;
    if (text[i] === '"') {
      quoted = true;
      i++;
      for (;;) {
        if (i >= n) return records; // unterminated quote: torn last record
        const c = text[i]!;
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += c;
        i++;
      }
    }
    while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
      if (quoted || text[i] === '"')
        throw new Error(`a quote is misplaced at character ${i} (RFC 4180)`);
      field += text[i];
      i++;
    }
    if (i >= n) return records; // no line break after the last field: torn
    fields.push(field);
    field = '';
    if (text[i] === ',') {
      i++;
      continue;
    }
    i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
    records.push(fields);
    fields = [];
  }
  return records;
}
