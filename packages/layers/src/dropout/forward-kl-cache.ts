import type { Tensor } from '@lacuna/tensor';

/**
 * The KL term a learned-rate layer's training forward computed in the same kernel pass as its
 * variance weights, kept for the `lossTerm()` that follows.
 *
 * A step of `fit` (or any loop that adds `regularization()` to its loss) runs the forward and then
 * asks for the KL of the same weights: one pass over the weights can give both, instead of one
 * for the variance weights and another for the KL. The kept pass is used only while it is
 * certainly the KL of the current weights: its tensors are still in a live graph (recorded, not
 * released by a backward, not disposed) and no backward has reached the layer's parameters since
 * (each backward gives them a new `.grad`). `lossTerm()` takes it once. A second forward on the
 * same weights (R-Drop's) reuses its variance weights. A layer whose kept KL goes unused (a loss
 * without the layer's KL term) stops computing it in its forwards until `lossTerm()` is called
 * again. @internal
 */
export class ForwardKlCache<P extends { readonly kl: Tensor }> {
  #pass: P | null = null;
  /** The pass's tensors that must stay in a live graph. */
  #outputs: readonly Tensor[] = [];
  /** The parameters' `.grad` when the pass was made. */
  #grads: readonly (Tensor | null)[] = [];
  #wanted = true;

  /**
   * @param parameters - The parameters the pass reads: a backward that reaches them replaces
   *   their `.grad`, which ends the pass.
   */
  constructor(private readonly parameters: () => readonly Tensor[]) {}

  /**
   * For a training forward recorded for autograd: the kept pass when it still holds, else a new
   * one from `compute` (its tensors that must stay live listed by `outputs`) when the layer's KL
   * is wanted, else null (the forward then computes its variance weights alone).
   */
  forForward(compute: () => P, outputs: (pass: P) => readonly Tensor[]): P | null {
    const kept = this.#usable();
    if (kept) return kept;
    if (this.#pass) this.#wanted = false; // the last pass went unused
    this.#pass = null;
    if (!this.#wanted) return null;
    const pass = compute();
    this.#pass = pass;
    this.#outputs = outputs(pass);
    this.#grads = this.parameters().map((p) => p.grad);
    return pass;
  }

  /** For a recorded `lossTerm()`: the kept KL when it still holds, handed out once; else null. */
  take(): Tensor | null {
    this.#wanted = true;
    const kept = this.#usable();
    this.#pass = null;
    return kept?.kl ?? null;
  }

  /** Forgets the kept pass (the weights it came from were overwritten). */
  clear(): void {
    this.#pass = null;
  }

  #usable(): P | null {
    const pass = this.#pass;
    if (!pass) return null;
    const live = (t: Tensor) =>
      !t.isDisposed && t.gradNode !== null && t.gradNode.released !== true;
    if (!live(pass.kl) || !this.#outputs.every(live)) return null;
    const grads = this.parameters().map((p) => p.grad);
    return grads.every((g, i) => g === this.#grads[i]) ? pass : null;
  }
}
