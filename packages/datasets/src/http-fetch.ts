/**
 * One HTTP GET with the limits `downloadFile` needs: an idle timeout (no response headers, or no
 * body bytes, for `timeoutMs`), a byte cap enforced while streaming (so a decompression bomb stops
 * at the cap instead of filling memory), and errors that carry their cause.
 */

/** Limits of one request. */
export interface FetchLimits {
  /** Milliseconds without progress before giving up; Infinity disables. */
  timeoutMs: number;
  /** Most body bytes (after the server's Content-Encoding is undone) accepted. */
  maxBytes: number;
  /** What set `maxBytes`, for messages (e.g. `'maxBytes'`, `'file.size'`). */
  limitName: string;
  /** Progress callback: decoded bytes so far and the expected total, if known. */
  onProgress?: ((received: number, total: number | null) => void) | undefined;
}

/**
 * A response that will not improve by asking the same mirror again (too large, or the content is
 * wrong): `downloadFile` moves to the next mirror instead of retrying.
 */
export class PermanentFetchError extends Error {}

/**
 * The message of an error and its chain of causes: undici reports every network failure as
 * "fetch failed" and puts the reason (a redirect loop, ECONNREFUSED, a TLS error) in `cause`.
 */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 6; depth++) {
    const message = current instanceof Error ? current.message : String(current);
    const code = (current as { code?: unknown }).code;
    const text =
      typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
    if (text && !parts.includes(text)) parts.push(text);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(': ') || 'unknown error';
}

/**
 * GETs `url` into memory under `limits`.
 *
 * Content-Length is compared with what arrived only when the server sent the body unencoded:
 * with `Content-Encoding: gzip` the header counts compressed bytes while fetch yields decoded
 * ones.
 */
export async function fetchBytes(url: string, limits: FetchLimits): Promise<Uint8Array> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  const arm = () => {
    if (!Number.isFinite(limits.timeoutMs)) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, limits.timeoutMs);
  };
  arm();
  try {
    const response = await fetch(url, { signal: controller.signal });
    arm();
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => {});
      throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
    }
    const encoding = (response.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
    const header = response.headers.get('content-length');
    const total = encoding === 'identity' && header !== null ? Number(header) : null;
    if (total !== null && total > limits.maxBytes) {
      await response.body.cancel().catch(() => {});
      throw new PermanentFetchError(
        `announces ${total} bytes, more than the limit of ${limits.maxBytes} (${limits.limitName})`,
      );
    }
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      arm();
      received += value.length;
      if (received > limits.maxBytes) {
        await reader.cancel().catch(() => {});
        throw new PermanentFetchError(
          `sent more than ${limits.maxBytes} bytes${encoding === 'identity' ? '' : ` once its ${encoding} encoding was undone`} (${limits.limitName})`,
        );
      }
      chunks.push(value);
      limits.onProgress?.(received, total);
    }
    if (total !== null && received !== total)
      throw new Error(`connection closed after ${received} of ${total} bytes`);
    const out = new Uint8Array(received);
    let offset = 0;
    for (const c of chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return out;
  } catch (error) {
    if (timedOut) throw new Error(`no response for ${limits.timeoutMs} ms (timeoutMs)`);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
