/**
 * The regexes that scrub strings: a secret key's value in every syntax a log
 * line carries (`name=value`, `name: value`, `"name":"value"`, `name => value`,
 * query-key brackets, percent-encoding, XML elements), the auth schemes, JWTs,
 * URL passwords, and the well-known formats of `secret-formats.ts`. Sources
 * only: `createRedactor` compiles them and runs the scan.
 */
import { encoded, formatSources, PEM_VALUE, PEM_VALUE_START } from './secret-formats';

export function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/** A regex source matching `text` in any letter case, without the `i` flag (see `compileScrubber`). */
function caseless(text: string): string {
  let out = '';
  for (const char of text) {
    const lower = char.toLowerCase();
    const upper = char.toUpperCase();
    out += lower !== upper && lower.length === 1 && upper.length === 1 ? `[${lower}${upper}]` : escapeRegExp(char);
  }
  return out;
}

/** `accessToken` → `access_token`: word parts are kept apart for matching inside strings. */
function splitWords(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Source matching one key rule inside a string: any case, `-`/`_`/nothing between word parts. */
function keyInStringSource(rule: string): string {
  let out = '';
  for (const char of splitWords(rule)) {
    if (char === '*') out += '[\\w-]*';
    else if (char === '-' || char === '_') out += '[-_]?';
    else out += caseless(char);
  }
  return out;
}

const SCHEMES = `(?:${['bearer', 'basic', 'digest', 'token', 'negotiate'].map(caseless).join('|')})\\s+`;

/**
 * One character of a value: not one of `excluded` (a regex class body), and
 * not the start of a PEM header. A value ends before `-----BEGIN `, so the PEM
 * rule sees the whole block (`token==-----BEGIN …` must not take the header and
 * leave the key's body behind). One path per character: linear.
 */
function valueChar(excluded: string): string {
  return `(?:[^${excluded}-]|-(?!----BEGIN ))`;
}

// A quoted value (escapes honoured, closing quote optional so a value cut by a
// length limit is still caught), or a bare one up to a delimiter.
const QUOTED_VALUE = [
  `\\\\"(?:${valueChar('"\\\\\\r\\n')}|\\\\[^"\\r\\n])*(?:\\\\")?`, // \"…\" inside an encoded JSON string
  `"${valueChar('"\\\\\\r\\n')}*(?:\\\\.${valueChar('"\\\\\\r\\n')}*)*"?`,
  `'${valueChar("'\\\\\\r\\n")}*(?:\\\\.${valueChar("'\\\\\\r\\n")}*)*'?`,
].join('|');
// Digit groups after a value that ends in four digits: the rest of a grouped
// card number, which the card rule could no longer see once its first group
// was taken (`token=)4111 1111 1111 1111`, `Bearer 4111 1111 …`).
const DIGIT_GROUPS_AFTER = '(?:(?<=\\d{4})(?:[ -]\\d{3,6}){2,4}(?![\\w-]))?';
const BARE_VALUE = `(?:${SCHEMES})?${valueChar('\\s&,;#"\'}\\]')}+${DIGIT_GROUPS_AFTER}`;
// Digits grouped by spaces or dashes (a card number) are one value, not a value and more digits.
const GROUPED_DIGITS = '\\d{4}(?:[ -]\\d{3,6}){2,4}(?![\\w-])';
const LINE_VALUE = `${valueChar('\\r\\n')}+`;
// After an encoded `=` the value is encoded too: it ends at an encoded `&` (`%26`),
// and after a twice-encoded `=` also at `%2526`. (After a raw `=`, `%26` is part
// of the value: a `&` inside a password.)
const ENCODED_VALUE = `(?:${valueChar('\\s&,;#"\'}\\]%')}|%(?!26))+`;
const TWICE_ENCODED_VALUE = `(?:${valueChar('\\s&,;#"\'}\\]%')}|%(?!26|2526))+`;
export const SCHEME_PREFIX = new RegExp(`^${SCHEMES}`);
// Whitespace, raw or as a URL encodes it (`+`, `%20`).
const SPACE = `(?:\\s|\\+|${encoded('20')})`;
// Brackets of nested query keys (qs, Rails, PHP), raw or encoded.
const OPEN = `(?:\\[|${encoded('5[Bb]')})`;
const CLOSE = `(?:\\]|${encoded('5[Dd]')})`;
// Word start: a secret key or token must not be the tail of a longer word,
// which also keeps every alternative linear (one attempt per word).
const WORD_START = '(?<![\\w-])';
// `=`, `:` and `=>` (PHP, Ruby, Perl hashes); `=` and `:` encoded once or twice.
// `(?:>|(?!>))`: a `>` after the `=` is taken, never left over (a rescan of
// `=> "[REDACTED]"` must not censor the `>` as a value), and the first character
// stays a plain class for the regex engine's quick check.
const SEPARATOR = '[:=](?:>|(?!>))';
const SEPARATOR_BEHIND = '[:=]>?';
const ENCODED_SEPARATOR = '%3[DdAa]';
const TWICE_ENCODED_SEPARATOR = '%253[DdAa]';

/**
 * The key syntax inside strings comes in two sizes, compiled as two regexes.
 * The common one (`name=value`, `name: value`, `"name":"value"`, `name => value`,
 * and the secret formats but PEM) scans every string. The full one adds `+` as
 * a space, query-key brackets (`user[password]=`), percent-encoded keys and
 * separators (`%5B`, `%3D`, `%20`, `%22`, once or twice encoded), XML elements
 * and PEM blocks. Every match only the full syntax finds starts at or after one
 * of these markers: a percent-encoded byte, a tag, a PEM header, or a separator
 * after a `]` or a `+` (`user[password]=`, `password+=+…`). The common scan
 * stops at the first marker (its `fx` alternative) and the full regex scans the
 * rest, so a string without them never pays for the full syntax (the brackets
 * alone make the key look-behind a quarter slower). The `]` and `+` are found
 * from the separator: a new first character for an alternative slows the scan
 * of every string, and a few more of them disable the regex engine's skipping
 * altogether (about +50% on ordinary messages).
 */
const FULL_SYNTAX_MARKER = `(?<fx>%[0-9A-Fa-f]{2}|<[A-Za-z_]|-----BEGIN |[:=](?<=[\\]+](?:\\\\?["'])?[\\s+]*[:=]))`;

/**
 * The start of an XML element named by a secret key, `<password` or
 * `<ns:Password`, then (looked ahead, not consumed) the rest of the open tag
 * and the element's text up to the next tag, CDATA included.
 */
function xmlElement(keys: string, censor: string): string {
  // A censor such as `<secret>` is not an element.
  const notCensor = censor.startsWith('<') ? `(?!${escapeRegExp(censor.slice(1))})` : '';
  return (
    `<${notCensor}(?<xn>(?:[\\w.-]+:)?(?:${keys}))` +
    '(?=(?:(?<xa>(?:\\s[^<>]*)?>)(?<xv><!\\[CDATA\\[(?:[^\\]]|\\](?!\\]>))*(?:\\]\\]>)?[^<]*|\\s*[^<\\s][^<]*)?)?)'
  );
}

interface KeySyntax {
  /** Where a key may start. */
  start: string;
  /** What may stand between a key and its separator. */
  end: string;
}

const COMMON_KEYS: KeySyntax = { start: WORD_START, end: `(?:\\\\?["'])?\\s*` };
function fullKeys(censor: string): KeySyntax {
  // An index bracket is never the censor (`[REDACTED]`), so a second scrub reads no new key.
  const notCensor = censor === '' ? '' : `(?!${escapeRegExp(censor)})`;
  return {
    // A key also starts right after a percent-encoded byte (`%5Bpassword`, `%3Ftoken`).
    start: `(?:${WORD_START}|(?<=${encoded('[0-9A-Fa-f]{2}')}))`,
    // The bracket closing `user[password`, up to three index brackets (`password[]`,
    // `[0]`, `%5B%5D`), a closing quote, whitespace.
    end: `${CLOSE}?(?:${notCensor}${OPEN}[\\w-]{0,40}${CLOSE}){0,3}(?:\\\\?["']|${encoded('2[27]')})?${SPACE}*`,
  };
}

/** A separator preceded by one of the keys: the match starts at the separator, so only those characters are tried. */
function keySeparator(syntax: KeySyntax, keys: string, group: string, separator: string, behind = separator): string {
  return `(?<${group}>${separator})(?<=${syntax.start}(?:${keys})${syntax.end}(?:${behind}))`;
}

/**
 * `source` matched as an atomic group, captured as `group`: what it matched is
 * never given back. Whitespace before a value is matched this way, so a long
 * run of it followed by no value fails once instead of once per character
 * (which, with the look-aheads after it, was quadratic).
 */
function atomic(group: string, source: string): string {
  return `(?=(?<${group}>${source}))\\k<${group}>`;
}

/** `word` (a regex source of `length` characters) where a word starts, the start checked once the word matched. */
function wordAt(word: string, length: number): string {
  return `${word}(?<=${WORD_START}.{${length}})`;
}

/**
 * One regex for every built-in string rule, compiled once per syntax size.
 * Case-insensitivity is spelt out per letter because the `i` flag would also
 * make `Basic`/`eyJ` caseless; alternatives carry named groups the replacer
 * dispatches on.
 */
export function compileScrubber(keyRules: string[], lineRules: string[], defaultPatterns: boolean, censor: string, full: boolean): string {
  // Already-censored values are left alone, so scrubbing twice changes nothing.
  // (The whitespace before a value is atomic, so these need not skip any; a
  // value keeps its auth scheme, `token [REDACTED]`, so they look past one.)
  const notCensored = censor === '' ? '' : `(?!(?:\\\\?["']|${SCHEMES})?${escapeRegExp(censor)})`;
  const notCensoredEncoded = censor === '' ? '' : `(?!${escapeRegExp(censor)})`;
  const syntax = full ? fullKeys(censor) : COMMON_KEYS;
  const value = full ? `${PEM_VALUE}|${QUOTED_VALUE}` : QUOTED_VALUE;
  // The common regex leaves a PEM block as a value to the full one (it starts at a marker).
  const notPem = full ? '' : `(?!${PEM_VALUE_START})`;
  const alternatives: string[] = [];
  const lineKeys = lineRules.map(keyInStringSource).join('|');
  const otherKeys = keyRules.map(keyInStringSource).join('|');
  const allKeys = [...lineRules, ...keyRules].map(keyInStringSource).join('|');
  if (lineRules.length > 0)
    alternatives.push(
      `${keySeparator(syntax, lineKeys, 'ls', SEPARATOR, SEPARATOR_BEHIND)}${atomic('lw', '\\s*')}${notCensored}${notPem}(?<lv>${value}|${LINE_VALUE})`,
    );
  if (keyRules.length > 0)
    alternatives.push(
      `${keySeparator(syntax, otherKeys, 'ks', SEPARATOR, SEPARATOR_BEHIND)}${atomic('kw', '\\s*')}${notCensored}${notPem}(?<kv>${value}|${GROUPED_DIGITS}|${BARE_VALUE})`,
    );
  if (full && allKeys !== '') {
    alternatives.push(
      `${keySeparator(syntax, allKeys, 'es', ENCODED_SEPARATOR)}${atomic('ew', `${SPACE}*`)}${notCensoredEncoded}(?:${PEM_VALUE}|${GROUPED_DIGITS}|${ENCODED_VALUE}${DIGIT_GROUPS_AFTER})`,
      `${keySeparator(syntax, allKeys, 'ds', TWICE_ENCODED_SEPARATOR)}${atomic('dw', `${SPACE}*`)}${notCensoredEncoded}(?:${PEM_VALUE}|${GROUPED_DIGITS}|${TWICE_ENCODED_VALUE}${DIGIT_GROUPS_AFTER})`,
      xmlElement(allKeys, censor),
    );
  }
  if (defaultPatterns) {
    alternatives.push(
      `(?<bp>${wordAt(caseless('bearer'), 6)}${atomic('bw', '\\s+')})${notCensored}(?:[A-Za-z0-9._~+/]|-(?!----BEGIN ))+=*${DIGIT_GROUPS_AFTER}`,
      `(?<sp>${wordAt(caseless('basic'), 5)}\\s+)(?<sv>[A-Za-z0-9+/]{4,}={0,2})(?![\\w+/=])`,
      `${wordAt('eyJ', 3)}[\\w-]+\\.[\\w-]+(?:\\.[\\w-]*)?`,
      `:\\/\\/(?<ui>[^\\s/@'"]+)@`,
      ...formatSources(censor === '' ? '' : `(?!${escapeRegExp(censor)})`, full),
    );
  }
  if (!full) alternatives.push(FULL_SYNTAX_MARKER);
  return alternatives.join('|');
}

/** A compiled scrubber regex, and the capture number of each named group of its source. */
export interface Scrubber {
  readonly regex: RegExp;
  readonly groups: Readonly<Record<string, number>>;
}

const NAMED_GROUP = /^\(\?<(\w+)>/;
const NAMED_BACKREFERENCE = /^\\k<(\w+)>/;

/**
 * Compiles a source written with named groups into one with numbered groups.
 * With named groups V8 builds a `groups` object holding every name on each
 * match: with the ~35 names of these sources that costs about 0.4 µs per
 * match, three times the numbered captures, which are read from the match
 * array at the numbers returned here.
 */
export function compileNumbered(source: string, flags: string): Scrubber {
  const groups: Record<string, number> = {};
  let count = 0;
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === '\\') {
      const reference = inClass ? null : NAMED_BACKREFERENCE.exec(source.slice(i, i + 40));
      out += reference ? `(?:\\${groups[reference[1]]})` : char + source[i + 1];
      i += reference ? reference[0].length - 1 : 1;
    } else if (inClass) {
      if (char === ']') inClass = false;
      out += char;
    } else if (char === '[') {
      inClass = true;
      out += char;
    } else if (char === '(') {
      const named = NAMED_GROUP.exec(source.slice(i, i + 40));
      if (named) groups[named[1]] = ++count;
      else if (source[i + 1] !== '?') count++;
      out += '(';
      if (named) i += named[0].length - 1;
    } else {
      out += char;
    }
  }
  return { regex: new RegExp(out, flags), groups };
}
