import type { WasmMemory } from './wasm-api.js';

const PAGE = 65536;

/**
 * Operand space in the wasm memory: each kernel call (context.ts) copies its inputs in, runs, and copies its
 * outputs out, then the space is reused by the next call (tensors themselves stay ordinary typed
 * arrays, so the garbage collector keeps owning their lifetime). Grows the memory on demand.
 * @internal
 */
export class Arena {
  private top: number;

  constructor(
    private readonly memory: WasmMemory,
    private readonly base: number,
    private readonly maximumPages: number,
  ) {
    this.top = base;
  }

  /** Forgets every reservation (call at the start of each kernel). */
  reset(): void {
    this.top = this.base;
  }

  /** Reserves `bytes` (16-byte aligned) and returns the offset, or -1 when memory is exhausted. */
  reserve(bytes: number): number {
    const ptr = this.top;
    const end = ptr + Math.ceil(bytes / 16) * 16;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      if (have / PAGE + pages > this.maximumPages) return -1;
      try {
        this.memory.grow(pages);
      } catch {
        return -1;
      }
    }
    this.top = end;
    return ptr;
  }

  /** Copies `source` into the memory at `ptr` (reserved by {@link Arena.reserve}). */
  copyIn(ptr: number, source: ArrayBufferView): void {
    this.bytes(ptr, source.byteLength).set(bytesOf(source));
  }

  /** Copies `target.byteLength` bytes at `ptr` out into `target`. */
  copyOut(ptr: number, target: ArrayBufferView): void {
    bytesOf(target).set(this.bytes(ptr, target.byteLength));
  }

  private bytes(ptr: number, length: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, ptr, length);
  }
}

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
