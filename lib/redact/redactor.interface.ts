/** Removes secrets from captured data. Built once from the redaction options (`createRedactor`). */
export interface Redactor {
  /** Whether the value under this property name must be replaced by the censor. */
  isSecretKey(key: string): boolean;
  /** The text with secret-looking substrings replaced; the same string when there are none. */
  scrub(text: string): string;
  readonly censor: string;
}
