import { sharedState } from '../identity.js';

// Keys already warned about, shared by every copy of this version in the process, so a page or
// program that loads the package twice still warns once.
const warned = sharedState('tensor.warned', () => new Set<string>());

/**
 * Writes `message` with console.warn the first time `key` is seen in this process; silent where
 * there is no console. @internal
 */
export function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  (globalThis as { console?: { warn?: (message: string) => void } }).console?.warn?.(message);
}
