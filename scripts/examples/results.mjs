// The result-comment rule: which trailing comments in an example state an exact result, and what
// "equal" means for them. The instrumenter (prepare.mjs) uses the parser to decide which lines
// to check; the example itself, once prepared, calls the hooks at the bottom at run time.
//
// A comment states a result when it starts with result literals (whitespace-separated, one per
// value console.log prints) followed by nothing or by explanation that opens with one of
// `:` `;` `,` `(` `—`. Literals: numbers, 'strings' or "strings", true, false, null, undefined,
// NaN, Infinity, arrays `[…]`, plain objects `{ key: … }` (exactly these keys) and typed arrays
// `Float32Array [1, 2]`. A number matches the same number, or the float32 it rounds to (float32
// results are written as their shortest decimal); a number followed by `…` (`0.8413…`) matches
// within one unit of its last digit; `…` as an array's last element matches any further elements.
// A comment that starts otherwise (`// ≈ 0.5`, `// e.g. [3, 0, 1]`, `// every entry 4`) is
// explanation; one that starts with a literal and runs on into words (`// 3 elements`) is refused
// as ambiguous.
import { inspect } from 'node:util';

const TYPED_ARRAYS = new Set([
  'Float32Array',
  'Float64Array',
  'Int8Array',
  'Int16Array',
  'Int32Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Uint16Array',
  'Uint32Array',
]);
const WORDS = { true: true, false: false, null: null, undefined, NaN, Infinity };
const EXPLANATION = /^\s*(?:$|[:;,(—])/;

/**
 * @typedef {{ kind: 'number', value: number, approx: number | null }
 *   | { kind: 'value', value: unknown }
 *   | { kind: 'array', items: Literal[], open: boolean, typed: string | null }
 *   | { kind: 'object', entries: [string, Literal][] }} Literal
 */

/**
 * Classifies a comment's text (after `//`).
 * @param {string} text
 * @returns {{ kind: 'result', values: Literal[] } | { kind: 'explanation' }
 *   | { kind: 'ambiguous', reason: string }}
 */
export function parseResultComment(text) {
  const p = new LiteralParser(text.trim());
  const values = [];
  for (;;) {
    const start = p.i;
    const value = p.tryValue();
    if (value === null) {
      p.i = start;
      break;
    }
    values.push(value);
    if (!/^\s+\S/.test(p.rest())) break;
    p.skipSpace();
  }
  if (values.length === 0) return { kind: 'explanation' };
  if (EXPLANATION.test(p.rest())) return { kind: 'result', values };
  return {
    kind: 'ambiguous',
    reason: `"${text.trim()}" starts with a result but goes on with "${p.rest().trim()}": write the result alone, or explain after ":" or in "(…)", or start the comment with a word`,
  };
}

class LiteralParser {
  /** @param {string} s */
  constructor(s) {
    this.s = s;
    this.i = 0;
  }
  rest() {
    return this.s.slice(this.i);
  }
  skipSpace() {
    while (/\s/.test(this.s[this.i] ?? '')) this.i++;
  }
  /** @param {string} token */
  eat(token) {
    this.skipSpace();
    if (!this.s.startsWith(token, this.i)) return false;
    this.i += token.length;
    return true;
  }
  /** @returns {Literal | null} */
  tryValue() {
    this.skipSpace();
    const c = this.s[this.i];
    if (c === '[') return this.array(null);
    if (c === '{') return this.object();
    if (c === "'" || c === '"') return this.string();
    const number = /^-?(?:\d+(?:\.\d+)?(?:e[+-]?\d+)?|Infinity)(…)?/.exec(this.rest());
    if (number && !/^[\w.]/.test(this.s.slice(this.i + number[0].length))) {
      this.i += number[0].length;
      const digits = number[1] ? (/\.(\d+)/.exec(number[0])?.[1]?.length ?? 0) : null;
      const value = Number(number[0].replace('…', ''));
      return { kind: 'number', value, approx: digits === null ? null : 1 / 10 ** digits };
    }
    const word = /^[A-Za-z]\w*/.exec(this.rest())?.[0];
    if (word && Object.hasOwn(WORDS, word)) {
      this.i += word.length;
      return { kind: 'value', value: WORDS[/** @type {keyof WORDS} */ (word)] };
    }
    if (word && TYPED_ARRAYS.has(word)) {
      this.i += word.length;
      this.skipSpace();
      return this.s[this.i] === '[' ? this.array(word) : null;
    }
    return null;
  }
  /** @param {string | null} typed */
  array(typed) {
    this.i++; // [
    /** @type {Literal[]} */
    const items = [];
    let open = false;
    if (this.eat(']')) return { kind: /** @type {const} */ ('array'), items, open, typed };
    for (;;) {
      if (this.eat('…')) open = true;
      else {
        const item = this.tryValue();
        if (item === null) return null;
        items.push(item);
      }
      if (this.eat(']')) return { kind: /** @type {const} */ ('array'), items, open, typed };
      if (open || !this.eat(',')) return null;
    }
  }
  object() {
    this.i++; // {
    /** @type {[string, Literal][]} */
    const entries = [];
    if (this.eat('}')) return { kind: /** @type {const} */ ('object'), entries };
    for (;;) {
      this.skipSpace();
      const key = /^[A-Za-z_$][\w$]*/.exec(this.rest())?.[0];
      if (!key) return null;
      this.i += key.length;
      if (!this.eat(':')) return null;
      const value = this.tryValue();
      if (value === null) return null;
      entries.push([key, value]);
      if (this.eat('}')) return { kind: /** @type {const} */ ('object'), entries };
      if (!this.eat(',')) return null;
    }
  }
  string() {
    const quote = this.s[this.i];
    let value = '';
    for (let j = this.i + 1; j < this.s.length; j++) {
      const c = this.s[j];
      if (c === quote) {
        this.i = j + 1;
        return { kind: /** @type {const} */ ('value'), value };
      }
      if (c === '\\') value += this.s[++j] ?? '';
      else value += c;
    }
    return null;
  }
}

/**
 * Where `actual` differs from `expected`, or null where it matches.
 * @param {unknown} actual
 * @param {Literal} expected
 * @param {string} [path]
 * @returns {string | null}
 */
export function mismatch(actual, expected, path = '') {
  const at = path ? ` at ${path}` : '';
  const got = `got ${show(actual)}`;
  switch (expected.kind) {
    case 'number': {
      const { value, approx } = expected;
      if (typeof actual !== 'number') return `expected a number${at}, ${got}`;
      if (approx !== null)
        return Math.abs(actual - value) < approx
          ? null
          : `expected ${value}… (within ${approx})${at}, ${got}`;
      return actual === value || actual === Math.fround(value)
        ? null
        : `expected ${value}${at}, ${got}`;
    }
    case 'value':
      return Object.is(actual, expected.value)
        ? null
        : `expected ${show(expected.value)}${at}, ${got}`;
    case 'array': {
      const { items, open, typed } = expected;
      const kind = typed ?? 'an array';
      const isKind = typed
        ? ArrayBuffer.isView(actual) && actual.constructor.name === typed
        : Array.isArray(actual);
      if (!isKind) return `expected ${kind}${at}, ${got}`;
      const list = /** @type {ArrayLike<unknown>} */ (actual);
      if (open ? list.length < items.length : list.length !== items.length)
        return `expected ${open ? 'at least ' : ''}${items.length} elements${at}, ${got}`;
      for (const [i, item] of items.entries()) {
        const inner = mismatch(list[i], item, `${path}[${i}]`);
        if (inner) return inner;
      }
      return null;
    }
    case 'object': {
      if (typeof actual !== 'object' || actual === null || Array.isArray(actual))
        return `expected an object${at}, ${got}`;
      const keys = expected.entries.map(([k]) => k);
      const actualKeys = Object.keys(actual);
      if (actualKeys.length !== keys.length || !keys.every((k) => Object.hasOwn(actual, k)))
        return `expected exactly the keys ${keys.join(', ')}${at}, ${got}`;
      for (const [key, value] of expected.entries) {
        const inner = mismatch(
          /** @type {Record<string, unknown>} */ (actual)[key],
          value,
          `${path}.${key}`,
        );
        if (inner) return inner;
      }
      return null;
    }
  }
}

/** @param {unknown} value */
const show = (value) => inspect(value, { depth: 6, breakLength: Infinity, maxArrayLength: 20 });

// Run-time hooks. The prepared example calls these in place of the checked lines; each failure is
// printed (the location first) and fails the process, and the example runs on to its end.
const reached = new Set();

/**
 * @param {string} where
 * @param {string} comment
 * @param {unknown[]} values
 */
function check(where, comment, values) {
  reached.add(where);
  const parsed = parseResultComment(comment);
  if (parsed.kind !== 'result') throw new Error(`${where}: not a result comment: ${comment}`);
  const problem =
    values.length !== parsed.values.length
      ? `expected ${parsed.values.length} value(s), got ${values.length}: ${values.map(show).join(' ')}`
      : values.map((v, i) => mismatch(v, parsed.values[i])).find((m) => m !== null);
  if (problem) {
    console.error(`${where}: the result comment "// ${comment}" does not hold: ${problem}`);
    process.exitCode = 1;
  }
}

/**
 * The value of a checked expression statement; returns it.
 * @param {string} where
 * @param {string} comment
 * @param {unknown} value
 */
export function __exampleResult(where, comment, value) {
  check(where, comment, [value]);
  return value;
}

/**
 * The arguments of a checked console.log; returns them for the log.
 * @param {string} where
 * @param {string} comment
 * @param {unknown[]} values
 */
export function __exampleLog(where, comment, values) {
  check(where, comment, values);
  return values;
}

/**
 * Called at the end of the example: every checked line must have run.
 * @param {string[]} wheres
 */
export function __exampleEnd(wheres) {
  for (const where of wheres.filter((w) => !reached.has(w))) {
    console.error(`${where}: the result comment was never reached`);
    process.exitCode = 1;
  }
}
