import type { Redactor } from './redactor.interface';

/** Distinct keys remembered per redactor: an object's keys repeat across log calls, a few hundred cover a service. */
const MAX_ENTRIES = 512;
/** Longer keys are tested each time: the cache never holds more than MAX_ENTRIES short strings. */
const MAX_KEY_LENGTH = 64;

const tests = new WeakMap<Redactor, (key: string) => boolean>();

/**
 * `redactor.isSecretKey`, remembered by raw key: a Map hit costs less than
 * normalising the key and matching it again. Bounded: when full, the oldest
 * entry makes room. One cache per redactor, so two modules' rules never mix.
 */
export function cachedSecretKeyTest(redactor: Redactor): (key: string) => boolean {
  let test = tests.get(redactor);
  if (test !== undefined) return test;
  const known = new Map<string, boolean>();
  test = (key: string): boolean => {
    const cached = known.get(key);
    if (cached !== undefined) return cached;
    const secret = redactor.isSecretKey(key);
    if (key.length <= MAX_KEY_LENGTH) {
      if (known.size >= MAX_ENTRIES) known.delete(known.keys().next().value as string);
      known.set(key, secret);
    }
    return secret;
  };
  tests.set(redactor, test);
  return test;
}
