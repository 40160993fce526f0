import type { WasmHeap } from './heap.js';

/**
 * Staging space for one kernel call (context.ts): operands that do not already live in the wasm
 * memory are copied into blocks of the heap, outputs copied out after the run, and the blocks
 * given back when the call ends. @internal
 */
export class Arena {
  private readonly taken: number[] = [];

  constructor(private readonly heap: WasmHeap) {}

  /** Gives back every reservation of the current call. */
  reset(): void {
    const taken = this.taken;
    for (let i = 0; i < taken.length; i += 2) this.heap.give(taken[i]!, taken[i + 1]!);
    taken.length = 0;
  }

  /** Reserves `bytes` (16-byte aligned) and returns the offset, or -1 when memory is exhausted. */
  reserve(bytes: number): number {
    const at = this.heap.take(bytes);
    if (at >= 0) this.taken.push(at, bytes);
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
