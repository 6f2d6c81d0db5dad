import { inspect } from 'node:util';

/** Everything observable about a value, own hidden properties and getters included. */
export function snapshot(value: unknown): string {
  return inspect(value, { depth: Infinity, showHidden: true, getters: false, sorted: false });
}
