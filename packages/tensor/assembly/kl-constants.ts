// The constants of the KL kernels, in the one file both the kernels (AssemblyScript, which
// inlines each as an f64 constant) and the reference backend (TypeScript) compile, so that the
// two cannot drift apart. Plain `const` numbers only, as in codes.ts.

// Constants of assembly/sparse-variational-dropout-kl.ts (Molchanov et al. 2017, eq. 14).
export const SVD_KL_K1 = 0.63576;
export const SVD_KL_K2 = 1.8732;
export const SVD_KL_K3 = 1.48695;
/** log α is clipped to [SVD_LOG_ALPHA_MIN, SVD_LOG_ALPHA_MAX], as the paper's code does. */
export const SVD_LOG_ALPHA_MIN = -10;
export const SVD_LOG_ALPHA_MAX = 10;
/** Keeps log θ² finite at θ = 0. */
export const SVD_THETA2_FLOOR = 1e-16;

// Coefficients of assembly/variational-dropout-kl.ts (Kingma et al. 2015, eq. 7).
export const VD_KL_C1 = 1.16145124;
export const VD_KL_C2 = -1.50204118;
export const VD_KL_C3 = 0.58629921;
