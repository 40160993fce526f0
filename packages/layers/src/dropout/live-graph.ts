import type { Tensor } from '@lacuna/tensor';

/**
 * Whether `t` still belongs to a graph that backward can use: recorded, not yet released by a
 * backward pass, not disposed. The learned-rate layers keep the KL term their forward computed
 * only while this holds for it. @internal
 */
export const inLiveGraph = (t: Tensor): boolean =>
  !t.isDisposed && t.gradNode !== null && t.gradNode.released !== true;
