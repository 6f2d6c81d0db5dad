import { types } from 'util';
import type { RedactOptions } from '../interfaces/redact-options.interface';
import { booleanOption, invalidOption, unknownOption } from '../shared/option-validation.util';
import type { Redactor } from './redactor.interface';
import { DEFAULT_CENSOR, DEFAULT_REDACT_KEYS, LINE_VALUE_KEYS, MAX_CENSOR_LENGTH } from './redaction.constants';

const OPTION_NAMES = new Set(['keys', 'replaceDefaultKeys', 'patterns', 'replaceDefaultPatterns', 'censor']);
// Not data: a rule on these names means a path-based config was misread.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype', 'tostring']);
const MAX_KEY_LENGTH = 200;
// Strings a user pattern is tried on to catch one that matches the empty string.
const EMPTY_MATCH_PROBES = ['', 'a', ' ', 'ab 12', '\n', '-'];
const SEPARATORS = /[-_]/g;
const BASE64_CREDENTIALS_SEPARATOR = ':';

interface UserPattern {
  test: RegExp;
  replace: RegExp;
}

const OWNER = 'IncidentLoggerModule';

function invalid(option: string, expected: string, value: unknown): never {
  return invalidOption(OWNER, `redact.${option}`, expected, value);
}

function escapeRegExp(text: string): string {
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

/** The form object keys are compared in: lower case, no `-` or `_`. */
function normaliseKey(key: string): string {
  return key.toLowerCase().replace(SEPARATORS, '');
}

function checkKey(key: unknown, index: number): string {
  if (typeof key !== 'string') invalid(`keys[${index}]`, 'a string', key);
  const trimmed = key.trim();
  if (trimmed === '' || normaliseKey(trimmed).replace(/\*/g, '') === '') {
    invalid(`keys[${index}]`, 'a property name', key);
  }
  if (trimmed.length > MAX_KEY_LENGTH) invalid(`keys[${index}]`, `at most ${MAX_KEY_LENGTH} characters`, key);
  if (FORBIDDEN_KEYS.has(trimmed.toLowerCase())) {
    invalid(`keys[${index}]`, 'a data property name (not a prototype key, which cannot be redacted)', key);
  }
  if (/[[\]]/.test(trimmed)) {
    invalid(`keys[${index}]`, 'a property name matched at any depth, not a path', key);
  }
  return trimmed;
}

function checkPattern(pattern: unknown, index: number): UserPattern {
  if (!types.isRegExp(pattern)) invalid(`patterns[${index}]`, 'a RegExp', pattern);
  const flags = pattern.flags.replace(/[gyd]/g, '');
  const replace = new RegExp(pattern.source, `${flags}g`);
  for (const probe of EMPTY_MATCH_PROBES) {
    for (const match of probe.matchAll(replace)) {
      if (match[0] === '') invalid(`patterns[${index}]`, 'a RegExp that never matches the empty string', pattern);
    }
  }
  return { test: new RegExp(pattern.source, flags), replace };
}

function checkCensor(censor: unknown): string {
  if (censor === undefined) return DEFAULT_CENSOR;
  if (typeof censor !== 'string') invalid('censor', 'a string', censor);
  if (censor.length > MAX_CENSOR_LENGTH) invalid('censor', `a string of at most ${MAX_CENSOR_LENGTH} characters`, censor);
  return censor;
}

function checkOptions(options: unknown): RedactOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    invalidOption(OWNER, 'redact', 'an object or false', options);
  }
  for (const name of Object.keys(options)) {
    if (name === 'paths')
      invalid('paths', 'absent: list property names in redact.keys (matched at any depth)', (options as { paths: unknown }).paths);
    if (!OPTION_NAMES.has(name)) unknownOption(OWNER, `redact.${name}`, OPTION_NAMES);
  }
  return options as RedactOptions;
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

/** Anchored matcher of normalised object keys for the rules with a `*`. */
function compileWildcards(rules: string[]): RegExp | undefined {
  const sources = rules.filter((rule) => rule.includes('*')).map((rule) => normaliseKey(rule).split('*').map(escapeRegExp).join('.*'));
  return sources.length === 0 ? undefined : new RegExp(`^(?:${sources.join('|')})$`);
}

const SCHEMES = `(?:${['bearer', 'basic', 'digest', 'token', 'negotiate'].map(caseless).join('|')})\\s+`;
// A quoted value (escapes honoured, closing quote optional so a value cut by a
// length limit is still caught), or a bare one up to a delimiter.
const QUOTED_VALUE = [
  `\\\\"(?:[^"\\\\\\r\\n]|\\\\[^"\\r\\n])*(?:\\\\")?`, // \"…\" inside an encoded JSON string
  `"[^"\\\\\\r\\n]*(?:\\\\.[^"\\\\\\r\\n]*)*"?`,
  `'[^'\\\\\\r\\n]*(?:\\\\.[^'\\\\\\r\\n]*)*'?`,
].join('|');
const BARE_VALUE = `(?:${SCHEMES})?[^\\s&,;#"'}\\]]+`;
const LINE_VALUE = '[^\\r\\n]+';
const SCHEME_PREFIX = new RegExp(`^${SCHEMES}`);
const KEY_END = `(?:\\\\?["'])?\\s*`;
// Word start: a secret key or token must not be the tail of a longer word,
// which also keeps every alternative linear (one attempt per word).
const WORD_START = '(?<![\\w-])';

/** `=`/`:` preceded by one of the keys: the match starts at the separator, so only those characters are tried. */
function keySeparator(rules: string[], group: string): string {
  return `(?<${group}>[:=])(?<=${WORD_START}(?:${rules.map(keyInStringSource).join('|')})${KEY_END}[:=])`;
}

/**
 * One regex for every built-in string rule, compiled once. Case-insensitivity
 * is spelt out per letter because the `i` flag would also make `Basic`/`eyJ`
 * caseless; alternatives carry named groups the replacer dispatches on.
 */
function compileScrubber(keyRules: string[], lineRules: string[], defaultPatterns: boolean, censor: string): string {
  // Already-censored values are left alone, so scrubbing twice changes nothing.
  // The leading \s* covers whitespace the separator group could give back.
  const notCensored = censor === '' ? '' : `(?!\\s*\\\\?["']?${escapeRegExp(censor)})`;
  const alternatives: string[] = [];
  if (lineRules.length > 0)
    alternatives.push(`${keySeparator(lineRules, 'ls')}(?<lw>\\s*)${notCensored}(?<lv>${QUOTED_VALUE}|${LINE_VALUE})`);
  if (keyRules.length > 0)
    alternatives.push(`${keySeparator(keyRules, 'ks')}(?<kw>\\s*)${notCensored}(?<kv>${QUOTED_VALUE}|${BARE_VALUE})`);
  if (defaultPatterns) {
    alternatives.push(
      `${WORD_START}(?<bp>${caseless('bearer')}\\s+)${notCensored}[A-Za-z0-9\\-._~+/]+=*`,
      `${WORD_START}(?<sp>${caseless('basic')}\\s+)(?<sv>[A-Za-z0-9+/]{4,}={0,2})(?![\\w+/=])`,
      `${WORD_START}eyJ[\\w-]+\\.[\\w-]+(?:\\.[\\w-]*)?`,
      `:\\/\\/(?<ui>[^\\s/@]+)@`,
    );
  }
  return alternatives.join('|');
}

/** The censored form of a value, keeping its quotes or auth scheme so the text stays readable. */
function censorValue(value: string, censor: string): string {
  if (value.startsWith('\\"')) return `\\"${censor}\\"`;
  const quote = value[0];
  if (quote === '"' || quote === "'") return `${quote}${censor}${quote}`;
  const scheme = SCHEME_PREFIX.exec(value);
  return scheme ? `${scheme[0]}${censor}` : censor;
}

/** `user:password` keeps the user; a lone userinfo is a token. */
function censorUserInfo(userInfo: string, censor: string): string {
  const colon = userInfo.indexOf(':');
  if (colon === -1) return censor;
  const secret = userInfo.slice(colon + 1);
  return secret === censor ? userInfo : `${userInfo.slice(0, colon + 1)}${censor}`;
}

function looksLikeBasicCredentials(value: string): boolean {
  // `Basic auth` is prose; `Basic dXNlcjpwYXNz` decodes to `user:pass`.
  return Buffer.from(value, 'base64').toString('latin1').includes(BASE64_CREDENTIALS_SEPARATOR);
}

/**
 * Builds the redactor used at capture time. Throws (with a message naming the
 * bad option) on invalid options; `resolveOptions` turns that into a startup
 * error.
 */
export function createRedactor(options: RedactOptions = {}): Redactor {
  const checked = checkOptions(options);
  if (checked.keys !== undefined && !Array.isArray(checked.keys)) invalid('keys', 'an array of property names', checked.keys);
  if (checked.patterns !== undefined && !Array.isArray(checked.patterns)) invalid('patterns', 'an array of RegExp', checked.patterns);
  const userKeys = (checked.keys ?? []).map(checkKey);
  const userPatterns = (checked.patterns ?? []).map(checkPattern);
  const replaceDefaultKeys = booleanOption(OWNER, 'redact.replaceDefaultKeys', checked.replaceDefaultKeys, false);
  const replaceDefaultPatterns = booleanOption(OWNER, 'redact.replaceDefaultPatterns', checked.replaceDefaultPatterns, false);
  const censor = checkCensor(checked.censor);

  const rules = [...new Set([...(replaceDefaultKeys ? [] : DEFAULT_REDACT_KEYS), ...userKeys])];
  const exact = new Set(rules.filter((rule) => !rule.includes('*')).map(normaliseKey));
  const wildcards = compileWildcards(rules);
  const lineRules = rules.filter((rule) => LINE_VALUE_KEYS.includes(rule));
  const source = compileScrubber(
    rules.filter((rule) => !lineRules.includes(rule)),
    lineRules,
    !replaceDefaultPatterns,
    censor,
  );
  const builtIn = source === '' ? undefined : new RegExp(source, 'g');

  const replacement = (match: RegExpExecArray): string => {
    const groups = match.groups as Record<string, string | undefined>;
    if (groups.ls !== undefined) return groups.ls + groups.lw + censorValue(groups.lv as string, censor);
    if (groups.ks !== undefined) return groups.ks + groups.kw + censorValue(groups.kv as string, censor);
    if (groups.bp !== undefined) return groups.bp + censor;
    if (groups.sp !== undefined) return looksLikeBasicCredentials(groups.sv as string) ? groups.sp + censor : match[0];
    if (groups.ui !== undefined) return `://${censorUserInfo(groups.ui, censor)}@`;
    return censor; // JWT
  };

  // Hot path: one scan of the combined regex; a clean string is returned as is,
  // without allocating. (Synchronous, so sharing the regex's lastIndex is safe.)
  const scrubBuiltIn = (text: string): string => {
    if (builtIn === undefined) return text;
    builtIn.lastIndex = 0;
    let match = builtIn.exec(text);
    if (match === null) return text;
    let out = '';
    let from = 0;
    do {
      out += text.slice(from, match.index) + replacement(match);
      from = match.index + match[0].length;
      if (match[0] === '') builtIn.lastIndex++; // no built-in rule matches empty; never loop
      match = builtIn.exec(text);
    } while (match !== null);
    return out + text.slice(from);
  };

  return {
    censor,
    isSecretKey(key: string): boolean {
      const normalised = normaliseKey(key);
      return exact.has(normalised) || (wildcards !== undefined && wildcards.test(normalised));
    },
    scrub(text: string): string {
      let out = scrubBuiltIn(text);
      for (const pattern of userPatterns) if (pattern.test.test(out)) out = out.replace(pattern.replace, censor);
      return out;
    },
  };
}
