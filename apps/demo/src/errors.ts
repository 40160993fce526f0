/** A problem with the user's input: printed as one line, never with a stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}
