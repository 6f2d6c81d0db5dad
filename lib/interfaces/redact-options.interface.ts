/**
 * Redaction settings (`IncidentLoggerModuleOptions.redact`). Nothing a target
 * writes, `snapshot()` returns or a stderr report says carries a secret. String
 * messages and plain objects are scrubbed when they leave the buffer (most are
 * discarded unread); errors and values that need the safe serialiser at
 * capture. See docs/safety.md#redaction.
 * @publicApi
 */
export interface RedactOptions {
  /**
   * Property names whose values are replaced by `censor`, at any depth: in
   * objects, arrays, Maps, `Headers`, `URLSearchParams`, and Error properties.
   * Names, not paths: `'authorization'` matches `headers.Authorization` and
   * `a.b[3].AUTHORIZATION` alike. Matched case-insensitively, ignoring `-` and
   * `_` (`apiKey` = `API_KEY` = `api-key`); `*` matches any run of characters
   * (`'*token'`, `'*password*'`). The same names are scrubbed inside strings
   * as `name=value`, `name: value`, `"name":"value"`, `name => value`,
   * `<name>…</name>`, and in query keys (`user[name]=`, percent-encoded).
   * Added to `DEFAULT_REDACT_KEYS` unless `replaceDefaultKeys` is set.
   * @default []
   */
  keys?: string[];
  /**
   * Use only `keys`, not the default list.
   * @default false
   */
  replaceDefaultKeys?: boolean;
  /**
   * Extra patterns replaced by `censor` in every captured string (messages,
   * string values, keys, Error messages and stacks). Each one costs one more
   * regex test per captured string: keep them simple (no catastrophic
   * backtracking). A pattern that matches the empty string is rejected.
   * @default []
   */
  patterns?: RegExp[];
  /**
   * Drop the built-in string patterns: Bearer/Basic credentials, JWTs,
   * passwords in URLs, and the well-known secret formats (AWS keys and
   * presigned-URL signatures, PEM private keys, GitHub/GitLab/Slack/Stripe/
   * Google tokens, card numbers). Values under `keys` are still scrubbed, in
   * every syntax.
   * @default false
   */
  replaceDefaultPatterns?: boolean;
  /**
   * Replacement text for a redacted value (at most 100 characters).
   * @default '[REDACTED]'
   */
  censor?: string;
}
