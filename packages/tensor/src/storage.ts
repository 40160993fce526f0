import { getBackend } from './backend/registry.js';
import { allocateHeap, type DataTypeMap, type DType } from './dtype.js';
import { currentScope, takeFromPool } from './lifetime.js';

/**
 * Zeroed storage for an op's output tensor: inside a scope, from the active backend's storage
 * pool (the wasm memory, where its kernels use it in place), else an ordinary typed array.
 * Only for arrays that become a tensor's storage at once: the scope frees pooled arrays that no
 * tensor holds when it ends. @internal
 */
export function allocate<D extends DType>(dtype: D, size: number): DataTypeMap[D] {
  const pooled = fromPool(dtype, size);
  return pooled ? (pooled.fill(0) as DataTypeMap[D]) : allocateHeap(dtype, size);
}

/**
 * Like {@link allocate}, but pooled storage keeps whatever it held: for outputs whose kernel
 * writes every element. @internal
 */
export function allocateUnfilled<D extends DType>(dtype: D, size: number): DataTypeMap[D] {
  return fromPool(dtype, size) ?? allocateHeap(dtype, size);
}

function fromPool<D extends DType>(dtype: D, size: number): DataTypeMap[D] | undefined {
  if (!currentScope()) return undefined;
  const pool = getBackend().storagePool;
  return pool && (takeFromPool(pool, dtype, size) as DataTypeMap[D] | undefined);
}
