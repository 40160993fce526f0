import type { WasmHeap } from './heap.js';

/**
 * Staging space for one kernel call (context.ts): operands that do not already live in the wasm
 * memory are copied just above the heap's highest block, outputs copied out after the run, and
 * the space is forgotten when the call ends (no pooled block is taken while a kernel runs), so
 * staging never leaves blocks behind. @internal
 */
export class Arena {
  private used = 0;

  constructor(private readonly heap: WasmHeap) {}

  /** Forgets every reservation of the current call. */
  reset(): void {
    this.used = 0;
  }

  /** Reserves `bytes` (16-byte aligned) and returns the offset, or -1 when memory is exhausted. */
  reserve(bytes: number): number {
    const at = this.heap.highWater + this.used;
    const end = at + Math.ceil(bytes / 16) * 16;
    if (!this.heap.ensure(end)) return -1;
    this.used = end - this.heap.highWater;
    return at;
  }

  /** Copies `source` into the memory at `ptr` (reserved by {@link Arena.reserve}). */
  copyIn(ptr: number, source: ArrayBufferView): void {
    this.heap.bytes(ptr, source.byteLength).set(bytesOf(source));
  }

  /** Copies `target.byteLength` bytes at `ptr` out into `target`. */
  copyOut(ptr: number, target: ArrayBufferView): void {
    bytesOf(target).set(this.heap.bytes(ptr, target.byteLength));
  }
}

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
