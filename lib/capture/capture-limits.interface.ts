/** Bounds applied when a logged value is captured into a record. */
export interface CaptureLimits {
  /** Longest string kept (characters); longer ones are cut with a marker. */
  maxStringLength: number;
  /** Nesting depth kept for objects and arrays. */
  maxDepth: number;
  /** Keys or items kept per object, array, Map or Set. */
  maxBreadth: number;
  /** Values visited in one captured argument, in total. */
  maxNodes: number;
  /** Characters of JSON produced for one captured argument. */
  maxJsonLength: number;
}

export const DEFAULT_CAPTURE_LIMITS: Readonly<CaptureLimits> = Object.freeze({
  maxStringLength: 8 * 1024,
  maxDepth: 6,
  maxBreadth: 100,
  maxNodes: 1000,
  maxJsonLength: 64 * 1024,
});

/** Removes secrets from captured data. Built once from the redaction options. */
export interface Redactor {
  /** Whether the value under this key must be replaced by the censor. */
  isSecretKey(key: string): boolean;
  /** Returns the text with secret-looking substrings replaced. */
  scrub(text: string): string;
  readonly censor: string;
}
