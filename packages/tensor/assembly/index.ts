// The WebAssembly kernels of @lacuna/tensor's wasm backend. Pointers are byte offsets into the
// memory the host imports; nothing here allocates, so any number of instances (one per thread)
// can share one memory.
export { gemm, gemmScratchBytes } from './gemm';
export { dropout, normal, uniform } from './random';
export { binary, maskedAffine, unary } from './elementwise';
export { reduce, reduceScratchBytes } from './reduce';
export { conv2dBackwardInput, conv2dBackwardWeight, conv2dForward } from './conv';
export { avgPool2d, avgPool2dBackward, maxPool2d } from './pool';
