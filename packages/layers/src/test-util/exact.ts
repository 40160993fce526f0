/**
 * Whether two values are the same down to the bit: numbers by Object.is (so -0 ≠ 0 and NaN = NaN),
 * arrays and typed arrays by kind, length and element, plain objects by own keys in any order
 * (including `__proto__`) and values, Maps of tensors by name, dtype, shape and data. Returns the first path
 * that differs, or null.
 */
export function firstDifference(a: unknown, b: unknown, path = '$'): string | null {
  if (typeof a !== typeof b) return `${path}: ${typeof a} vs ${typeof b}`;
  if (typeof a !== 'object' || a === null || b === null)
    return Object.is(a, b) ? null : `${path}: ${String(a)} vs ${String(b)}`;
  const protoA = Object.getPrototypeOf(a)?.constructor?.name;
  const protoB = Object.getPrototypeOf(b)?.constructor?.name;
  if (protoA !== protoB && !(isPlain(a) && isPlain(b as object)))
    return `${path}: ${protoA} vs ${protoB}`;
  if (a instanceof Map) {
    const m = b as Map<unknown, unknown>;
    if (a.size !== m.size) return `${path}: Map of ${a.size} vs ${m.size}`;
    for (const [k, v] of a) {
      if (!m.has(k)) return `${path}: key ${String(k)} missing`;
      const w = m.get(k);
      const d = firstDifference(asPlain(v), asPlain(w), `${path}.get(${String(k)})`);
      if (d) return d;
    }
    return null;
  }
  if (ArrayBuffer.isView(a)) {
    const x = a as unknown as ArrayLike<number>;
    const y = b as unknown as ArrayLike<number>;
    if (x.length !== y.length) return `${path}: length ${x.length} vs ${y.length}`;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return `${path}[${i}]`;
    return null;
  }
  // Key sets, not key order: order carries no meaning in a saved state.
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b as object).sort();
  if (ka.join('\u0000') !== kb.join('\u0000')) return `${path}: keys [${ka}] vs [${kb}]`;
  if (Array.isArray(a) && a.length !== (b as unknown[]).length) return `${path}: length`;
  for (const k of ka) {
    const d = firstDifference(
      (a as Record<string, unknown>)[k],
      (b as Record<string, unknown>)[k],
      `${path}.${k}`,
    );
    if (d) return d;
  }
  return null;
}

function isPlain(v: object): boolean {
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

/** A tensor as {dtype, shape, data}; anything else as is. */
function asPlain(v: unknown): unknown {
  const t = v as { dtype?: unknown; shape?: unknown; storage?: unknown };
  if (t && typeof t === 'object' && 'storage' in t && 'dtype' in t)
    return { dtype: t.dtype, shape: [...(t.shape as number[])], data: t.storage };
  return v;
}
