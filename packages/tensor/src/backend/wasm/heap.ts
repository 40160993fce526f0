import type { DType, TypedArray } from '../../dtype.js';
import type { StoragePool } from '../../lifetime.js';
import type { WasmMemory } from './wasm-api.js';

const PAGE = 65536;
const BYTES: Readonly<Record<DType, number>> = { float32: 4, int32: 4, bool: 1 };

/**
 * The size class of a block of `bytes`: multiples of 64 up to 1 KiB, then four classes per
 * doubling, so a block wastes at most a quarter of itself and a released block fits every
 * later request of its class. @internal
 */
export function sizeClass(bytes: number): number {
  if (bytes <= 1024) return Math.max(64, Math.ceil(bytes / 64) * 64);
  const step = 2 ** Math.floor(Math.log2(bytes - 1)) / 4;
  return Math.ceil(bytes / step) * step;
}

/**
 * Blocks of the wasm memory above `base`, by size class: a released block goes on its class's
 * free list and the next request of that class takes it back, so a training step that repeats
 * the same shapes stops growing the memory after its first run. When every block is back, the
 * lists are dropped and blocks are carved from `base` again, so a change of shapes between
 * steps does not keep the old classes' memory. Kernel staging ({@link WasmHeap.ensure}) lives
 * just above the highest block, for the length of one call. The memory is never shrunk
 * (WebAssembly cannot); a request it cannot grow for gets -1 and the caller falls back.
 * @internal
 */
export class WasmHeap {
  private top: number;
  private readonly freeLists = new Map<number, number[]>();
  /** The size of each block handed out, by offset (a request may get a larger class's block). */
  private readonly sizes = new Map<number, number>();
  private buffer: ArrayBufferLike;
  private readonly ownBuffers = new WeakSet<ArrayBufferLike>();
  /** Bytes in blocks handed out and not given back. */
  bytesInUse = 0;

  constructor(
    private readonly memory: WasmMemory,
    private readonly base: number,
    private readonly maximumPages: number,
  ) {
    this.top = base;
    this.buffer = memory.buffer;
    this.ownBuffers.add(this.buffer);
  }

  /** The end of the highest block handed out: staging starts here. */
  get highWater(): number {
    return this.top;
  }

  /** The byte offset of a free block of at least `bytes` (16-byte aligned), or -1. */
  take(bytes: number): number {
    const size = sizeClass(bytes);
    let at = this.freeLists.get(size)?.pop();
    let got = size;
    if (at === undefined && this.ensure(this.top + size)) {
      at = this.top;
      this.top += size;
    }
    if (at === undefined) {
      // The memory is full: a free block of a larger class beats falling back.
      for (const [larger, list] of this.freeLists) {
        if (larger > size && list.length > 0 && (at === undefined || larger < got)) {
          at = list[list.length - 1];
          got = larger;
        }
      }
      if (at === undefined) return -1;
      this.freeLists.get(got)!.pop();
    }
    this.sizes.set(at, got);
    this.bytesInUse += got;
    return at;
  }

  /** Gives back the block at `offset`. */
  give(offset: number): void {
    const size = this.sizes.get(offset)!;
    this.sizes.delete(offset);
    this.bytesInUse -= size;
    if (this.bytesInUse === 0) {
      this.freeLists.clear();
      this.top = this.base;
      return;
    }
    let list = this.freeLists.get(size);
    if (!list) {
      list = [];
      this.freeLists.set(size, list);
    }
    list.push(offset);
  }

  /** Grows the memory to hold `end` bytes; false when the cap does not allow it. */
  ensure(end: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return true;
    const pages = Math.ceil((end - have) / PAGE);
    if (have / PAGE + pages > this.maximumPages) return false;
    try {
      this.memory.grow(pages);
      return true;
    } catch {
      return false;
    }
  }

  /** The memory's current buffer (a new one after each growth; old views stay valid when shared). */
  current(): ArrayBufferLike {
    const buffer = this.memory.buffer;
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.ownBuffers.add(buffer);
    }
    return buffer;
  }

  /** The byte offset of `view` in the wasm memory when it lives there, else -1. */
  offsetOf(view: ArrayBufferView): number {
    return this.ownBuffers.has(view.buffer) ? view.byteOffset : -1;
  }

  /** Bytes `length` from `offset`, as a view of the current buffer. */
  bytes(offset: number, length: number): Uint8Array {
    return new Uint8Array(this.current(), offset, length);
  }
}

/**
 * Tensor storage in the heap: typed views of its blocks. Only with shared memory: growing a
 * private memory detaches its buffer, and every view of it with it. @internal
 */
export function heapStoragePool(heap: WasmHeap): StoragePool {
  return {
    take(dtype, size) {
      const bytes = size * BYTES[dtype];
      const at = heap.take(bytes);
      if (at < 0) return undefined;
      const buffer = heap.current();
      if (dtype === 'float32') return new Float32Array(buffer, at, size);
      if (dtype === 'int32') return new Int32Array(buffer, at, size);
      return new Uint8Array(buffer, at, size);
    },
    give(array: TypedArray) {
      heap.give(array.byteOffset);
    },
    holds: (view) => heap.offsetOf(view) >= 0,
  };
}
