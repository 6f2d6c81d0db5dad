/**
 * Property names redacted by default (see `RedactOptions.keys` for the
 * syntax; `_` marks a word boundary, which inside strings also matches `-`
 * or nothing). Credentials only: over-redacting a debug log costs little, leaking
 * a password into it costs a rotation. `*token` is a suffix so that LLM-style
 * counters (`maxTokens`, `totalTokens`) stay readable.
 */
export const DEFAULT_REDACT_KEYS: readonly string[] = Object.freeze([
  '*authorization', // authorization, proxy-authorization
  '*cookie', // cookie, set-cookie
  'cookies',
  '*password*', // password, newPassword, db_password, passwordHash
  '*passwd*',
  'pwd',
  'pass',
  'passphrase',
  '*secret*', // secret, client_secret, secretAccessKey
  '*token', // token, access_token, refresh_token, id_token, x-auth-token, csrfToken
  '*api_key', // api_key, apiKey, api-key, x-api-key, apikey
  '*private_key', // private_key, privateKey
  'session',
  '*session_id', // sessionId, session_id, x-session-id
  '*credentials',
  'credential',
  'jwt',
]);

/** Keys whose value in a string runs to the end of the line (`Cookie: a=1; b=2`). */
export const LINE_VALUE_KEYS: readonly string[] = Object.freeze(['*authorization', '*cookie', 'cookies']);

export const DEFAULT_CENSOR = '[REDACTED]';

/** Longest accepted censor, so a misconfiguration cannot inflate every record. */
export const MAX_CENSOR_LENGTH = 100;
