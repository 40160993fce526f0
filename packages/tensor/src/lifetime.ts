import type { DType, TypedArray } from './dtype.js';
import { sharedState } from './identity.js';

/**
 * Memory that tensor storage can be taken from and handed back to for reuse: the wasm backend's
 * heap, where kernels read and write it in place. @internal
 */
export interface StoragePool {
  /** `size` elements of `dtype` (contents left over from earlier use), or undefined when full. */
  take(dtype: DType, size: number): TypedArray | undefined;
  /** Hands back an array from {@link StoragePool.take}; it must not be used afterwards. */
  give(array: TypedArray): void;
  /** Whether `view` is a view of this pool's memory. */
  holds(view: ArrayBufferView): boolean;
}

/** One array taken from a pool, and the live tensors that use it (reshape views share one). @internal */
export interface Block {
  readonly array: TypedArray;
  readonly pool: StoragePool;
  users: number;
  /** Users that no scope releases (kept, or owned by the garbage collector). */
  outside: number;
  /** Handed back to the pool: a later take may return the same memory under a new Block. */
  free: boolean;
}

/** What a tensor's lifetime needs to know about it. @internal */
export interface Life {
  /** The tensor's storage; null once it is released. */
  storage: TypedArray | null;
  /** The pooled block behind `storage`, if any. */
  block: Block | undefined;
  /** The scope that releases it when it ends; undefined: kept, or owned by the garbage collector. */
  scope: Scope | undefined;
  /** The tensors whose `grad` this tensor was made; it then lives as long as the longest-lived. */
  gradOf: GradHolder[] | undefined;
  /** The tensor itself (what scope results and `grad` fields are compared with). */
  readonly tensor: object;
}

/** A tensor whose `grad` field may hold another tensor. @internal */
export interface GradHolder {
  readonly grad: unknown;
  readonly life: Life;
}

/** A scope: the tensors created while it is the innermost one, released when it ends. @internal */
export interface Scope {
  readonly parent: Scope | undefined;
  readonly lives: Life[];
  /** Blocks taken while it was innermost: those no tensor kept are handed back at its end. */
  readonly blocks: Block[];
}

interface Lifetimes {
  current: Scope | undefined;
  /** The block each pooled array currently belongs to. */
  readonly blockOf: WeakMap<TypedArray, Block>;
  /** Every block not yet handed back, to find the one a partial view (a subarray) lies in. */
  readonly live: Set<Block>;
}

// The innermost scope lives only for the synchronous extent of `scope()` (restored in `finally`;
// async functions are rejected), like the recording depth in record.ts, and is shared by the
// ESM and CJS copies of this version so that tensors from either are tracked by the same scope.
const lifetimes = sharedState(
  'tensor.lifetimes',
  (): Lifetimes => ({ current: undefined, blockOf: new WeakMap(), live: new Set() }),
);

// Tensors no scope releases that hold a pooled block (kept in the pool, views made outside
// scopes) hand their use of it back when collected, unless released first.
const collected = new FinalizationRegistry<Block>((block) => dropUse(block, true));

/** The innermost scope, if any. @internal */
export function currentScope(): Scope | undefined {
  return lifetimes.current;
}

/** Opens a scope nested in the current one. @internal */
export function openScope(): Scope {
  const scope: Scope = { parent: lifetimes.current, lives: [], blocks: [] };
  lifetimes.current = scope;
  return scope;
}

/** Takes storage from `pool` for a tensor of the current scope; undefined outside scopes or when full. @internal */
export function takeFromPool(
  pool: StoragePool,
  dtype: DType,
  size: number,
): TypedArray | undefined {
  const scope = lifetimes.current;
  if (!scope || size === 0) return undefined;
  const array = pool.take(dtype, size);
  if (!array) return undefined;
  const block: Block = { array, pool, users: 0, outside: 0, free: false };
  lifetimes.blockOf.set(array, block);
  lifetimes.live.add(block);
  scope.blocks.push(block);
  return array;
}

/** The live block `storage` is, or lies in (a subarray of pooled memory); undefined for others. */
function blockUnder(storage: TypedArray): Block | undefined {
  const own = lifetimes.blockOf.get(storage);
  if (own && !own.free) return own;
  // Reading `.buffer` makes V8 give a small array its own ArrayBuffer: ask only when a block lives.
  if (lifetimes.live.size === 0 || typeof SharedArrayBuffer !== 'function') return undefined;
  if (!(storage.buffer instanceof SharedArrayBuffer)) return undefined;
  const start = storage.byteOffset;
  const end = start + storage.byteLength;
  for (const block of lifetimes.live) {
    const a = block.array;
    if (start >= a.byteOffset && end <= a.byteOffset + a.byteLength && block.pool.holds(storage))
      return block;
  }
  return undefined;
}

/** The lifetime of a tensor being constructed on `storage`: tracked by the current scope. @internal */
export function beginLife(tensor: object, storage: TypedArray): Life {
  const scope = lifetimes.current;
  const block = blockUnder(storage);
  const life: Life = { storage, block, scope, gradOf: undefined, tensor };
  if (block) block.users++;
  if (scope) scope.lives.push(life);
  else if (block) useOutside(life, block);
  return life;
}

function useOutside(life: Life, block: Block): void {
  block.outside++;
  collected.register(life.tensor, block, life);
}

function dropUse(block: Block, outside: boolean): void {
  if (outside) block.outside--;
  if (--block.users > 0 || block.free) return;
  giveBack(block);
}

function giveBack(block: Block): void {
  block.free = true;
  lifetimes.live.delete(block);
  block.pool.give(block.array);
}

/** Releases a tensor now: its storage is gone, its block handed back once no tensor uses it. @internal */
export function release(life: Life): void {
  if (life.storage === null) return;
  life.storage = null;
  const block = life.block;
  if (!block) return;
  life.block = undefined;
  if (!life.scope) collected.unregister(life);
  dropUse(block, !life.scope);
}

/**
 * Takes a tensor out of every scope. `pooled`: it stays in the pool until released (or collected);
 * otherwise its storage is copied out to ordinary memory that the garbage collector owns. @internal
 */
export function detach(life: Life, pooled: boolean): void {
  if (!life.scope || life.storage === null) return;
  life.scope = undefined;
  const block = life.block;
  if (!block) return;
  if (pooled) useOutside(life, block);
  else moveOut(life, block, new Map());
}

/** Records that `life` became the `grad` of `holder`, so it lives as long as `holder` does. @internal */
export function adoptAsGrad(life: Life, holder: GradHolder): void {
  if (!life.scope) return;
  if (!life.gradOf) life.gradOf = [holder];
  else if (!life.gradOf.includes(holder)) life.gradOf.push(holder);
}

/**
 * Ends `scope`: tensors in `returned` and tensors that became the `grad` of a tensor that
 * outlives the scope move to the parent scope, or, with no parent, to the garbage collector
 * (pooled storage copied out to ordinary memory first, unless a kept tensor holds the same
 * block, so nothing the collector owns aliases memory the pool reuses). Every other tensor the
 * scope tracks is released, and the blocks no tensor holds go back to their pools. @internal
 */
export function closeScope(scope: Scope, returned: ReadonlySet<object>): void {
  lifetimes.current = scope.parent;
  const survivors = new Set<Life>();
  for (const life of scope.lives) if (returned.has(life.tensor)) survivors.add(life);
  // A gradient survives when its holder does; repeat for gradients of gradients.
  for (let grew = true; grew; ) {
    grew = false;
    for (const life of scope.lives) {
      if (!life.gradOf || survivors.has(life)) continue;
      if (life.gradOf.some((holder) => outlives(holder, life, scope, survivors))) {
        survivors.add(life);
        grew = true;
      }
    }
  }
  const copies = new Map<TypedArray, TypedArray>();
  // Newest first: the pool's free lists are last-in first-out, so the next step that makes the
  // same tensors in the same order gets the same memory back (and warm caches).
  for (let i = scope.lives.length - 1; i >= 0; i--) {
    const life = scope.lives[i]!;
    if (life.scope !== scope || life.storage === null) continue;
    if (!survivors.has(life)) release(life);
    else if (scope.parent) {
      life.scope = scope.parent;
      scope.parent.lives.push(life);
    } else handToCollector(life, copies);
  }
  for (let i = scope.blocks.length - 1; i >= 0; i--) {
    const block = scope.blocks[i]!;
    if (block.users === 0 && !block.free) giveBack(block);
  }
}

/** Whether `holder` still holds `life` as its gradient and lives past the end of `scope`. */
function outlives(holder: GradHolder, life: Life, scope: Scope, survivors: Set<Life>): boolean {
  if (holder.grad !== life.tensor || holder.life.storage === null) return false;
  return holder.life.scope !== scope || survivors.has(holder.life);
}

/** Hands a surviving tensor of the outermost scope to the garbage collector. */
function handToCollector(life: Life, copies: Map<TypedArray, TypedArray>): void {
  life.scope = undefined;
  const block = life.block;
  if (!block) return;
  // A kept tensor already shares this block outside scopes: stay with it, keep aliasing it.
  if (block.outside > 0) useOutside(life, block);
  else moveOut(life, block, copies);
}

/** Gives `life` ordinary memory with its values (one copy per storage array) and drops its block. */
function moveOut(life: Life, block: Block, copies: Map<TypedArray, TypedArray>): void {
  const storage = life.storage!;
  let copy = copies.get(storage);
  if (!copy) {
    // A fresh array set from the view: slice() of a shared-memory view is slower here.
    copy = new (storage.constructor as new (n: number) => TypedArray)(storage.length);
    copy.set(storage);
    copies.set(storage, copy);
  }
  life.storage = copy;
  life.block = undefined;
  dropUse(block, false);
}
