// The WebAssembly kernels of @lacuna/tensor's wasm backend, one file per op (src/backend/wasm/
// kernels/X.ts wraps assembly/X.ts; src/backend/reference/X.ts is its reference). Pointers are
// byte offsets into the memory the host imports; nothing here allocates, so any number of
// instances (one per thread) can share one memory.
export { addcmul } from './addcmul';
export { avgPool2d, avgPool2dBackward } from './avg-pool2d';
export { binary } from './binary';
export { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from './conv2d';
export { dropout } from './dropout';
export { linear, linearScratchBytes } from './linear';
export { maskedAffine } from './masked-affine';
export { matmul, matmulScratchBytes } from './matmul';
export { maxPool2d } from './max-pool2d';
export { normal, uniform } from './random';
export { reduce, reduceScratchBytes } from './reduce';
export { sampleNormal } from './sample-normal';
export { scaledSquare, scaledSquareBackward } from './scaled-square';
export { klScratchBytes, sparseVariationalDropoutKl } from './sparse-variational-dropout-kl';
export { unary } from './unary';
export { variationalDropoutKl } from './variational-dropout-kl';
