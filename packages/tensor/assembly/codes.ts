// The numbers the host and the kernels agree on, in the one file both compile: AssemblyScript
// imports it here, and src/backend/wasm (TypeScript) imports it from there, so a code cannot
// mean two things. Plain `const` numbers only: the subset both languages read the same way (and
// AssemblyScript inlines each as an i32 constant).

// Op codes of assembly/binary.ts.
export const BINARY_ADD = 0;
export const BINARY_SUB = 1;
export const BINARY_MUL = 2;
export const BINARY_DIV = 3;
export const BINARY_MAXIMUM = 4;
export const BINARY_MINIMUM = 5;

// Op codes of assembly/unary.ts.
export const UNARY_NEG = 0;
export const UNARY_ABS = 1;
export const UNARY_RELU = 2;
export const UNARY_SQRT = 3;
// Transcendental: within a few ulps of the reference, not its bits (assembly/simd-math.ts).
export const UNARY_EXP = 4;
export const UNARY_LOG = 5;
export const UNARY_LOG1P = 6;
export const UNARY_SIGMOID = 7;
export const UNARY_TANH = 8;

// Op codes of assembly/reduce.ts.
export const REDUCE_SUM = 0;
export const REDUCE_MAX = 1;
export const REDUCE_MIN = 2;

// How an operand of binary or maskedAffine covers the rows × cols output.
/** rows × cols, like the output. */
export const LAYOUT_FULL = 0;
/** cols values shared by every row (a bias). */
export const LAYOUT_ROW = 1;
/** One value. */
export const LAYOUT_SCALAR = 2;
/** One value per row (a keepdims reduction). */
export const LAYOUT_COLUMN = 3;
/** A row shared by `repeat` consecutive rows (a middle-axis broadcast); maskedAffine only. */
export const LAYOUT_GROUPED = 4;

// Elements per partial sum of the KL kernels: each block's sum lands in its own slot and the host
// adds the slots in block order, so the total does not depend on how threads split the blocks.
export const KL_SUM_BLOCK = 4096;
