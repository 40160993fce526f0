import { LacunaError } from '@lacuna/tensor';

/**
 * Saved training state that cannot be used: a checkpoint whose checksum does not match its
 * contents (a flipped bit in the weights, the optimizer or a generator), whose format is unknown,
 * or that lacks or misshapes something the run needs (an epoch outside `0..epochs`, a missing
 * optimizer, schedule or generator, a history that disagrees with the epoch, an unknown key). Also
 * thrown when a state cannot be encoded exactly.
 * Whatever threw it changed nothing.
 *
 * @example
 * ```ts
 * import { CheckpointError, decodeTrainingState, serializeSafetensors } from '@lacuna/layers';
 * const notATrainingState = serializeSafetensors(new Map());
 * try {
 *   decodeTrainingState(notATrainingState);
 * } catch (e) {
 *   console.log(e instanceof CheckpointError); // true
 * }
 * ```
 */
export class CheckpointError extends LacunaError {
  constructor(op: string, argument: string, detail: string, options?: { cause?: unknown }) {
    super(op, argument, detail);
    if (options && 'cause' in options)
      Object.defineProperty(this, 'cause', { value: options.cause, configurable: true });
  }
}
