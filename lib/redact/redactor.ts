import { types } from 'util';
import type { RedactOptions } from '../interfaces/redact-options.interface';
import { booleanOption, invalidOption, unknownOption } from '../shared/option-validation.util';
import type { Redactor } from './redactor.interface';
import { DEFAULT_CENSOR, DEFAULT_REDACT_KEYS, LINE_VALUE_KEYS, MAX_CENSOR_LENGTH } from './redaction.constants';
import { cardNumberIn, censorAwsSecretKeys, PRESIGNED_URL_KEYS } from './secret-formats';
import { compileNumbered, compileScrubber, escapeRegExp, SCHEME_PREFIX, type Scrubber } from './string-rules';

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

/** Anchored matcher of normalised object keys for the rules with a `*`. */
function compileWildcards(rules: string[]): RegExp | undefined {
  const sources = rules.filter((rule) => rule.includes('*')).map((rule) => normaliseKey(rule).split('*').map(escapeRegExp).join('.*'));
  return sources.length === 0 ? undefined : new RegExp(`^(?:${sources.join('|')})$`);
}

const AWS_KEY_ID = /(?:AKIA|ASIA)[A-Z0-9]{16}/;

/** A match's capture by group name: `undefined` for a group that did not take part, or that this regex lacks. */
type Capture = (name: string) => string | undefined;

function capturesOf(match: RegExpExecArray, scrubber: Scrubber): Capture {
  return (name) => {
    const index = scrubber.groups[name];
    return index === undefined ? undefined : match[index];
  };
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
 * Builds the redactor (used at capture and when records leave the buffer). Throws (with a message naming the
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

  const rules = [
    ...new Set([...(replaceDefaultKeys ? [] : DEFAULT_REDACT_KEYS), ...userKeys, ...(replaceDefaultPatterns ? [] : PRESIGNED_URL_KEYS)]),
  ];
  const exact = new Set(rules.filter((rule) => !rule.includes('*')).map(normaliseKey));
  const wildcards = compileWildcards(rules);

  const lineRules = rules.filter((rule) => LINE_VALUE_KEYS.includes(rule));
  const compile = (full: boolean): Scrubber | undefined => {
    const keyRules = rules.filter((rule) => !lineRules.includes(rule));
    const source = compileScrubber(keyRules, lineRules, !replaceDefaultPatterns, censor, full);
    return source === '' ? undefined : compileNumbered(source, 'g');
  };
  const common = compile(false);
  const full = compile(true);

  const censorCard = (digits: string, lastGroup: string | undefined, before: string): string | undefined => {
    const card = cardNumberIn(digits, lastGroup);
    return card === undefined ? undefined : before + censor + digits.slice(card.length);
  };

  /** The censored text of a match, or `undefined` when it is no secret after all (then the scan resumes inside it). */
  const replacement = (at: Capture): string | undefined => {
    const separator = at('ls') ?? at('ks');
    if (separator !== undefined) return separator + (at('lw') ?? at('kw')) + censorValue(at('lv') ?? at('kv') ?? '', censor);
    const encodedSeparator = at('es') ?? at('ds');
    if (encodedSeparator !== undefined) return encodedSeparator + (at('ew') ?? at('dw')) + censor;
    const bearer = at('bp');
    if (bearer !== undefined) return bearer + censor;
    const basic = at('sp');
    if (basic !== undefined) return looksLikeBasicCredentials(at('sv') ?? '') ? basic + censor : undefined;
    const userInfo = at('ui');
    if (userInfo !== undefined) return `://${censorUserInfo(userInfo, censor)}@`;
    const pemBegin = at('pb');
    if (pemBegin !== undefined) return pemBegin + censor + (at('pe') ?? '');
    // The kept prefix of a token: `AKIA`, `AIza`, or the `_`/`-` that ends a provider's prefix.
    const prefix = at('ak') ?? at('tp') ?? at('ts');
    if (prefix !== undefined) return prefix + censor;
    // A digit run that fails Luhn may start with another number (`PIN 4821 4111 1111 …`): not consumed.
    const card = at('cn');
    if (card !== undefined) return censorCard(card, at('ct'), '');
    const encodedCard = at('cx');
    if (encodedCard !== undefined) return censorCard(encodedCard, at('gt'), at('ce') ?? '');
    return censor; // JWT
  };

  // Hot path: one scan of the combined regex; a clean string is returned as is,
  // without allocating. (Synchronous, so sharing the regex's lastIndex is safe.)
  const scrubBuiltIn = (text: string): string => {
    if (common === undefined || full === undefined) return text;
    let scrubber = common;
    let builtIn = scrubber.regex;
    builtIn.lastIndex = 0;
    let match = builtIn.exec(text);
    if (match === null) return text;
    let out = '';
    let from = 0;
    let awsKeyIds: number[] | undefined;
    do {
      const at = capturesOf(match, scrubber);
      if (at('fx') !== undefined) {
        // A marker of the full syntax: scan the rest with the full regex, from the marker on.
        scrubber = full;
        builtIn = scrubber.regex;
        builtIn.lastIndex = match.index;
      } else if (at('xn') !== undefined) {
        // `<password`: its text is censored, its attributes scrubbed; the scan goes on after them.
        const xa = at('xa');
        const xv = at('xv');
        if (xa !== undefined && xv !== undefined) {
          out += text.slice(from, match.index) + match[0] + scrubNested(xa) + censor;
          from = match.index + match[0].length + xa.length + xv.length;
          builtIn.lastIndex = from;
        }
      } else {
        const replaced = replacement(at);
        if (replaced === undefined) {
          builtIn.lastIndex = match.index + 1;
          match = builtIn.exec(text);
          continue;
        }
        out += text.slice(from, match.index) + replaced;
        // An access key id, alone or inside what was censored: a secret key may follow it.
        if (at('ak') !== undefined || AWS_KEY_ID.test(match[0])) (awsKeyIds ??= []).push(out.length);
        from = match.index + match[0].length;
        if (match[0] === '') builtIn.lastIndex++; // no built-in rule matches empty; never loop
      }
      match = builtIn.exec(text);
    } while (match !== null);
    if (from === 0) return text;
    out += text.slice(from);
    return awsKeyIds === undefined ? out : censorAwsSecretKeys(out, awsKeyIds, censor);
  };

  /** The attributes of a secret XML element (no `<` in them, so one level deep at most). */
  const scrubNested = (text: string): string => {
    const saved = [common?.regex.lastIndex ?? 0, full?.regex.lastIndex ?? 0];
    const out = scrubBuiltIn(text);
    if (common !== undefined) common.regex.lastIndex = saved[0];
    if (full !== undefined) full.regex.lastIndex = saved[1];
    return out;
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
