/**
 * Well-known credential formats, recognised by their shape (as secret scanners
 * do) rather than by the name they are stored under. Part of the default
 * patterns: `replaceDefaultPatterns: true` drops them. Each source is one
 * alternative of the redactor's combined regex; named groups tell the
 * replacer which format matched. Every quantifier is either bounded or over a
 * class its neighbours cannot match, so a scan stays linear.
 */

/** `%XX`, or `%25XX` (the same byte encoded twice), for a byte given as a regex source of two hex digits. */
export function encoded(hex: string): string {
  return `%(?:25)?${hex}`;
}

// A token starts after a non-alphanumeric character, or right after a
// percent-encoded byte (`%3DAKIA…` in an encoded query).
const TOKEN_START = `(?:(?<![A-Za-z0-9])|(?<=${encoded('[0-9A-Fa-f]{2}')}))`;
const TOKEN_END = '(?![A-Za-z0-9])';

/**
 * `TOKEN_START` checked after the `prefix` that was just matched. Every
 * alternative begins with a literal, and its start is checked only once the
 * literal matched: a look-behind first runs at every position of every string,
 * and a lower-case first letter is tried at most positions of English text.
 */
function startedBefore(prefix: string): string {
  return `(?<=${TOKEN_START}(?:${prefix}))`;
}

/**
 * Provider tokens with a fixed prefix, which is kept (`ghp_[REDACTED]`) so the
 * output still says what kind of credential was there. The lookahead checks
 * the documented minimum length; the body then runs to the end of the token.
 * All but Google's are matched from the `_` or `-` that ends their prefix (the
 * prefix is checked behind it), which is much rarer than their first letter.
 */
const SEPARATED_PREFIXES: Array<[prefix: string, separator: '_' | '-', body: string]> = [
  ['gh[pousr]', '_', '[A-Za-z0-9]{36}'], // GitHub: personal, OAuth, user-to-server, server-to-server, refresh
  ['github_pat', '_', '[A-Za-z0-9_]{82}'], // GitHub fine-grained personal access token
  ['[rs]k_(?:live|test)', '_', '[A-Za-z0-9]{10}'], // Stripe secret and restricted keys, live and test mode
  ['glpat', '-', '[\\w-]{20}'], // GitLab personal access token
  ['xox[abeprs]', '-', '[A-Za-z0-9-]{10}'], // Slack bot, app, user, refresh tokens
];
const SEPARATED_TOKEN =
  '(?<ts>[_-])(?:' +
  SEPARATED_PREFIXES.map(([prefix, separator, body]) => `${startedBefore(prefix + separator)}(?=${body})`).join('|') +
  ')[\\w-]+';
/** Google API key. */
const GOOGLE_API_KEY = `(?<tp>AIza)${startedBefore('AIza')}(?=[\\w-]{35})[\\w-]+`;

/** AWS access key id (long-term `AKIA`, temporary `ASIA`); the prefix is kept. */
const AWS_ACCESS_KEY_ID = `(?<ak>AKIA|ASIA)${startedBefore('AKIA|ASIA')}[A-Z0-9]{16}${TOKEN_END}`;

/**
 * A PEM private key block, from the BEGIN line through the END line, or to
 * the last character that can belong to a PEM body (base64, whitespace,
 * `Proc-Type:`/`DEK-Info:` headers, `\n` escapes) when it was cut. The BEGIN
 * and END lines are kept.
 */
const PEM_LABEL = '(?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----';
export const PEM_BODY = '(?:[\\w+/=\\s:,.\\\\]|-(?!----))+';
export const PEM_END = `-----END ${PEM_LABEL}`;
const PEM_BLOCK = (notCensored: string) => `(?<pb>-----BEGIN ${PEM_LABEL})${notCensored}${PEM_BODY}(?<pe>${PEM_END})?`;
// An optional quote (raw, or escaped inside JSON text) around a value.
const QUOTE = '(?:\\\\?["\'])?';
/**
 * A PEM private key as the value of a secret key (`private_key=-----BEGIN …`),
 * quoted or not, censored whole: a quoted value would otherwise end at the
 * first line break of the block.
 */
export const PEM_VALUE = `${QUOTE}-----BEGIN ${PEM_LABEL}${PEM_BODY}(?:${PEM_END})?${QUOTE}`;
/** What a PEM value starts with. */
export const PEM_VALUE_START = `${QUOTE}-----BEGIN `;

/**
 * A payment card number: 13 to 19 digits starting with 2-6 (the major
 * networks; `1…` is left alone so epoch-millisecond timestamps stay), either
 * contiguous or grouped 4-4-4-… or 4-6-4/5 (Amex, Diners) with one kind of
 * separator. Luhn is checked by `luhnValid` on the match. Not inside a longer
 * alphanumeric run (hex hashes) nor next to a decimal point (`0.4…`, a float's
 * digits); a comma is a delimiter (CSV). `\b` first: it rejects the positions
 * inside digit runs before anything else is tried.
 */
const CARD_DIGITS =
  '[2-6]\\d{3}(?:\\d{9,15}|(?<cs>[ -])\\d{4}\\k<cs>\\d{4}\\k<cs>\\d{1,4}(?<ct>\\k<cs>\\d{3})?|(?<ca>[ -])\\d{6}\\k<ca>\\d{4,5})';
const CARD_END = '(?![0-9A-Za-z]|\\.\\d)';
const CARD_NUMBER = `(?<cn>\\b${CARD_DIGITS.replace('\\d{3}', '\\d{3}(?<!\\..{4})')})${CARD_END}`;
/** The same after a percent-encoded byte (`%3D4111…`), in the full syntax only (it needs a `%`). */
const ENCODED_CARD_NUMBER = `(?<ce>${encoded('[0-9A-Fa-f]{2}')})(?<cx>${CARD_DIGITS.replace(/<c([sat])>/g, '<g$1>')})${CARD_END}`;

/** The format alternatives of the combined regex, in order; PEM blocks and encoded card numbers only in the full syntax. */
export function formatSources(notCensored: string, full: boolean): string[] {
  return [
    ...(full ? [PEM_BLOCK(notCensored)] : []),
    AWS_ACCESS_KEY_ID,
    GOOGLE_API_KEY,
    SEPARATED_TOKEN,
    CARD_NUMBER,
    ...(full ? [ENCODED_CARD_NUMBER] : []),
  ];
}

/**
 * Query keys of AWS presigned URLs (SigV4) whose values grant access until the
 * URL expires. Treated as secret key names (so `X-Amz-Signature=…`,
 * `"X-Amz-Credential": "…"`, encoded forms and object keys are all censored)
 * while the default patterns are on.
 */
export const PRESIGNED_URL_KEYS: readonly string[] = Object.freeze(['x-amz-signature', 'x-amz-credential', 'x-amz-security-token']);

/**
 * Whether a card-shaped match is a card number: its Luhn sum, or that of the
 * number without its optional last group of three (`4111 1111 1111 1111 200`
 * is a card and another number). Returns the part to censor.
 */
export function cardNumberIn(match: string, lastGroup: string | undefined): string | undefined {
  if (luhnValid(match)) return match;
  if (lastGroup === undefined) return undefined;
  const shorter = match.slice(0, -lastGroup.length);
  return luhnValid(shorter) ? shorter : undefined;
}

/** Luhn checksum over the digits of `text` (separators skipped). */
export function luhnValid(text: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = text.length - 1; i >= 0; i--) {
    const code = text.charCodeAt(i) - 48;
    if (code < 0 || code > 9) continue;
    let digit = code;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * The AWS secret access key that goes with an access key id: 40 characters of
 * `[A-Za-z0-9/+]`. It has no prefix, so alone it cannot be told from a SHA-1
 * or any other 40-character token; it is censored only when it starts at most
 * `AWS_SECRET_WINDOW` characters after an access key id, on the same line (a
 * credentials CSV row, `--access-key … --secret-key …`). Under a secret key name
 * (`aws_secret_access_key=…`, `SecretAccessKey`) the key rules censor it anyway.
 */
export const AWS_SECRET_WINDOW = 100;
const AWS_SECRET_LENGTH = 40;
const AWS_SECRET_ACCESS_KEY = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/g;
const LINE_BREAK = /[\r\n]/;

/**
 * Censors the secret access keys that follow access key ids. `marks` are the
 * positions in `text` right after each censored access key id, in order. Reads
 * at most `AWS_SECRET_WINDOW + 42` characters per id.
 */
export function censorAwsSecretKeys(text: string, marks: number[], censor: string): string {
  let out = '';
  let from = 0;
  for (const mark of marks) {
    // One character of look-behind context (mark >= 4: an id precedes it).
    const start = Math.max(mark, from) - 1;
    let segment = text.slice(start, mark + AWS_SECRET_WINDOW + AWS_SECRET_LENGTH + 1);
    const lineEnd = segment.slice(1).search(LINE_BREAK);
    if (lineEnd !== -1) segment = segment.slice(0, lineEnd + 1);
    AWS_SECRET_ACCESS_KEY.lastIndex = 1;
    for (let match = AWS_SECRET_ACCESS_KEY.exec(segment); match !== null; match = AWS_SECRET_ACCESS_KEY.exec(segment)) {
      const index = start + match.index;
      if (index >= mark + AWS_SECRET_WINDOW) break;
      out += text.slice(from, index) + censor;
      from = index + AWS_SECRET_LENGTH;
    }
  }
  return from === 0 ? text : out + text.slice(from);
}
