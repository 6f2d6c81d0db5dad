import { deepEqual } from 'assert';
import fc from 'fast-check';
import { captureRecords } from '../../lib/capture/capture-records.util';
import type { CapturePolicy } from '../../lib/capture/capture-policy.interface';
import { CaptureLimits, DEFAULT_CAPTURE_LIMITS } from '../../lib/interfaces/capture-limits.interface';
import type { LogRecord } from '../../lib/capture/log-record';
import { createRedactor } from '../../lib/redact/redactor';
import { DEFAULT_REDACT_KEYS, LINE_VALUE_KEYS } from '../../lib/redact/redaction.constants';
import { compileNumbered, compileScrubber } from '../../lib/redact/string-rules';
import { toSafeJson } from '../../lib/serialize/safe-json.util';
import { formatIncident } from '../../lib/format/format-incident.util';
import { incidentOf } from '../utils/incident-of';
import { snapshot } from '../utils/snapshot';

// Fixed seed: a failure reproduces, and CI runs the same cases every time.
fc.configureGlobal({ seed: 4242, numRuns: 200 });

const redactor = createRedactor();
const policy: CapturePolicy = { limits: DEFAULT_CAPTURE_LIMITS, redactor };

const REQUEST = { id: 'req-1', method: 'POST', url: '/login' };

/** Everything a target can see, plus the records as they sit in memory. */
function everyOutput(records: LogRecord[]): string {
  const incident = incidentOf(records, REQUEST);
  return [formatIncident(incident, 'text'), formatIncident(incident, 'json'), JSON.stringify(records)].join('\n');
}

describe('property: a planted secret never leaks', () => {
  const SECRET_KEYS = [
    'authorization',
    'password',
    'passwd',
    'pwd',
    'secret',
    'token',
    'access_token',
    'refresh_token',
    'id_token',
    'api_key',
    'apikey',
    'api-key',
    'x-api-key',
    'client_secret',
    'private_key',
    'session',
    'credentials',
    'cookie',
    'set-cookie',
  ];
  // Letters absent from every fixed text of the output ("[REDACTED]", "INCIDENT", "ERROR", "DEBUG"…),
  // and filler is lower case: any 6 characters of the secret found in the output are a leak.
  const secretArb = fc.string({ unit: fc.constantFrom(...'BFGHJKLMNPQSUVWXYZ23456789'), minLength: 16, maxLength: 48 });
  const anyCase = (key: string) =>
    fc
      .array(fc.boolean(), { minLength: key.length, maxLength: key.length })
      .map((upper) => [...key].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));
  const secretKeyArb = fc.constantFrom(...SECRET_KEYS).chain(anyCase);
  const fillerKey = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz_'), minLength: 1, maxLength: 8 });
  const fillerValue = fc.oneof(
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.string({ unit: fc.constantFrom(...'abcdefghij klm-/'), maxLength: 20 }),
  );
  const step = fc.record({
    kind: fc.constantFrom('object', 'array', 'map', 'error'),
    key: fillerKey,
    siblings: fc.dictionary(fillerKey, fillerValue, { maxKeys: 3 }),
    index: fc.nat(3),
  });
  const VARIANTS = ['key', 'bearer', 'url-query', 'error-message', 'error-property', 'json-text', 'header-line', 'basic'] as const;

  function plant(variant: (typeof VARIANTS)[number], key: string, secret: string, siblings: Record<string, unknown>): unknown {
    switch (variant) {
      case 'key':
        return { ...siblings, [key]: secret };
      case 'bearer':
        return `calling upstream with Bearer ${secret}`;
      case 'url-query':
        return `https://api.example.com/cb?state=xyz&${key}=${secret}&page=2`;
      case 'error-message':
        return new Error(`login rejected: ${key}=${secret}`);
      case 'error-property':
        return Object.assign(new Error('request failed'), siblings, { [key]: secret });
      case 'json-text':
        return JSON.stringify({ ...siblings, [key]: secret });
      case 'header-line':
        return `${key}: ${secret}`;
      case 'basic':
        return `Authorization header was Basic ${Buffer.from(`bob:${secret}`).toString('base64')}`;
    }
  }

  function wrap(inner: unknown, steps: Array<{ kind: string; key: string; siblings: Record<string, unknown>; index: number }>): unknown {
    let value = inner;
    for (const { kind, key, siblings, index } of steps) {
      if (kind === 'object') value = { ...siblings, [key]: value };
      else if (kind === 'array') value = [...Object.values(siblings).slice(0, index), value];
      else if (kind === 'map') value = new Map<unknown, unknown>([...Object.entries(siblings), [key, value]]);
      else value = Object.assign(new Error(`wrapper ${key}`), { cause: value });
    }
    return value;
  }

  it('through captureRecords and both formats, at any depth, in any letter case', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...VARIANTS),
        secretKeyArb,
        secretArb,
        fc.dictionary(fillerKey, fillerValue, { maxKeys: 3 }),
        fc.array(step, { maxLength: 6 }),
        fc.constantFrom('debug', 'error') as fc.Arbitrary<'debug' | 'error'>,
        fc.boolean(),
        (variant, key, secret, siblings, steps, level, asMessage) => {
          const value = wrap(plant(variant, key, secret, siblings), steps);
          const params = asMessage ? ['Ctx'] : [value, 'Ctx'];
          const records = captureRecords(level, asMessage ? value : 'state before the failure', params, policy, 0);
          const output = everyOutput(records);
          for (let i = 0; i + 6 <= secret.length; i++) {
            if (output.includes(secret.slice(i, i + 6)))
              throw new Error(`leaked ${secret.slice(i, i + 6)} of ${secret} (${variant}):\n${output}`);
          }
        },
      ),
    );
  });
});

describe('property: toSafeJson on anything', () => {
  const anything = fc.anything({
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
    withUnicodeString: true,
  });

  /** Sometimes points a nested object (or the root) back at the root. */
  function withCycle(value: unknown, pick: number): unknown {
    if (typeof value !== 'object' || value === null) return value;
    const containers: object[] = [];
    const visit = (node: unknown) => {
      if (typeof node !== 'object' || node === null || containers.includes(node)) return;
      if (
        !Array.isArray(node) &&
        !(node instanceof Map) &&
        Object.getPrototypeOf(node) !== Object.prototype &&
        Object.getPrototypeOf(node) !== null
      )
        return;
      containers.push(node);
      for (const child of node instanceof Map ? node.values() : Object.values(node)) visit(child);
    };
    visit(value);
    if (containers.length === 0) return value;
    const target = containers[pick % containers.length];
    if (target instanceof Map) target.set('cycle', value);
    else (target as Record<string, unknown>).cycle = value;
    return value;
  }

  const limitsArb: fc.Arbitrary<CaptureLimits> = fc.record({
    maxStringLength: fc.integer({ min: 16, max: 300 }),
    maxDepth: fc.integer({ min: 1, max: 8 }),
    maxBreadth: fc.integer({ min: 1, max: 12 }),
    maxNodes: fc.integer({ min: 1, max: 300 }),
    maxJsonLength: fc.integer({ min: 256, max: 5000 }),
  });

  it('returns bounded, valid JSON and leaves the value as it was', () => {
    fc.assert(
      fc.property(
        anything,
        fc.boolean(),
        fc.nat(),
        fc.oneof(fc.constant(DEFAULT_CAPTURE_LIMITS), limitsArb),
        (raw, cyclic, pick, limits) => {
          const value = cyclic ? withCycle(raw, pick) : raw;
          let clone: unknown;
          let clonable = true;
          try {
            clone = structuredClone(value);
          } catch {
            clonable = false;
          }
          const before = snapshot(value);
          const out = toSafeJson(value, limits, redactor);
          expect(typeof out).toBe('string');
          expect(() => JSON.parse(out)).not.toThrow();
          expect(out.length).toBeLessThanOrEqual(limits.maxJsonLength);
          expect(snapshot(value)).toBe(before);
          // structuredClone builds objects of Node's realm, not Jest's: compare without prototypes
          // (the inspect snapshot above is the strict check).
          if (clonable) deepEqual(value, clone);
        },
      ),
    );
  });

  it('equals JSON.stringify for plain JSON data within the limits', () => {
    const roomy: CaptureLimits = { maxStringLength: 1e6, maxDepth: 100, maxBreadth: 1e6, maxNodes: 1e6, maxJsonLength: 1e8 };
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(toSafeJson(value, roomy)).toBe(JSON.stringify(value));
      }),
    );
  });

  it('captureRecords never throws and every record formats to parseable JSON lines', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('debug', 'error', 'fatal') as fc.Arbitrary<'debug' | 'error' | 'fatal'>,
        anything,
        fc.array(anything, { maxLength: 3 }),
        (level, message, params) => {
          const records = captureRecords(level, message, params, policy, 0);
          expect(records.length).toBeGreaterThan(0);
          for (const record of records) {
            expect(typeof record.message).toBe('string');
            expect(record.message.length).toBeLessThanOrEqual(DEFAULT_CAPTURE_LIMITS.maxJsonLength);
          }
          for (const line of formatIncident(incidentOf(records, REQUEST), 'json').trimEnd().split('\n')) JSON.parse(line);
        },
      ),
    );
  });
});

describe('property: scrubbing', () => {
  const fragments = fc.constantFrom(
    'token',
    'Password',
    'cookie',
    'x-api-key',
    'Bearer',
    'basic',
    'eyJhbGciOiJI',
    'eyJzdWIi',
    '=',
    ':',
    ': ',
    ' ',
    '"',
    "'",
    '\\"',
    '.',
    '://',
    '@',
    '&',
    ';',
    ',',
    '\n',
    'abc',
    'dXNlcjpwYXNz',
    '[REDACTED]',
    '}',
    ']',
    '#',
    '-',
    '_',
    // The query-key, hash and XML syntax, and the well-known formats
    '[',
    '%3D',
    '%5B',
    '%5D',
    '%20',
    '+',
    '=>',
    '<password>',
    '</password>',
    '<![CDATA[',
    '-----BEGIN PRIVATE KEY-----',
    '-----END PRIVATE KEY-----',
    'AKIAIOSFODNN7EXAMPLE',
    'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    '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',
    '4111',
    ' 1111',
    '4111111111111111',
  );
  it('matches with numbered groups exactly as the source with named groups does', () => {
    const lineRules = [...LINE_VALUE_KEYS];
    const keyRules = DEFAULT_REDACT_KEYS.filter((rule) => !lineRules.includes(rule));
    for (const full of [false, true]) {
      const source = compileScrubber(keyRules, lineRules, true, '[REDACTED]', full);
      const named = new RegExp(source, 'g');
      const { regex, groups } = compileNumbered(source, 'g');
      fc.assert(
        fc.property(
          fc.array(fragments, { maxLength: 30 }).map((parts) => parts.join('')),
          (text) => {
            named.lastIndex = 0;
            regex.lastIndex = 0;
            for (let expected = named.exec(text); expected !== null; expected = named.exec(text)) {
              const actual = regex.exec(text);
              expect(actual?.index).toBe(expected.index);
              expect(actual?.[0]).toBe(expected[0]);
              for (const [name, value] of Object.entries(expected.groups ?? {})) expect(actual?.[groups[name]]).toBe(value);
              if (expected[0] === '') named.lastIndex = regex.lastIndex = expected.index + 1;
            }
            expect(regex.exec(text)).toBeNull();
          },
        ),
        { numRuns: 300 },
      );
    }
  });

  it('is idempotent, so scrubbing captured text again changes nothing', () => {
    fc.assert(
      fc.property(
        fc.array(fragments, { maxLength: 30 }).map((parts) => parts.join('')),
        (text) => {
          const once = redactor.scrub(text);
          expect(redactor.scrub(once)).toBe(once);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('property: well-known secret formats never survive scrub, wherever they are planted', () => {
  const alnum = (chars: string, length: number) => fc.string({ unit: fc.constantFrom(...chars), minLength: length, maxLength: length });
  const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const LOWER = 'abcdefghijklmnopqrstuvwxyz';
  const DIGITS = '0123456789';
  const ALNUM = UPPER + LOWER + DIGITS;
  // Key-syntax secrets: letters absent from every fixed text (as above), so 6 of them found in the output are a leak.
  const keySecretArb = fc.string({ unit: fc.constantFrom(...'BFGHJKLMNPQSUVWXYZ23456789'), minLength: 12, maxLength: 24 });

  /** A Luhn-valid number of `length` digits starting with 2-6, grouped as card networks print them (or not). */
  const cardArb = fc
    .record({
      first: fc.integer({ min: 2, max: 6 }),
      rest: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 18, maxLength: 18 }),
      layout: fc.constantFrom('16', '16 spaced', '16 dashed', '19', '19 spaced', '15 amex', '14 diners', '13'),
    })
    .map(({ first, rest, layout }) => {
      const length = Number(layout.split(' ')[0]);
      const body = [first, ...rest.slice(0, length - 2)];
      let sum = 0;
      for (let i = body.length - 1, double = true; i >= 0; i--, double = !double) {
        const digit = double ? body[i] * 2 : body[i];
        sum += digit > 9 ? digit - 9 : digit;
      }
      const digits = body.join('') + ((10 - (sum % 10)) % 10);
      const groups = (sizes: number[], separator: string) => {
        let at = 0;
        return sizes.map((size) => digits.slice(at, (at += size))).join(separator);
      };
      if (layout === '16 spaced') return groups([4, 4, 4, 4], ' ');
      if (layout === '16 dashed') return groups([4, 4, 4, 4], '-');
      if (layout === '19 spaced') return groups([4, 4, 4, 4, 3], ' ');
      if (layout === '15 amex') return groups([4, 6, 5], ' ');
      if (layout === '14 diners') return groups([4, 6, 4], '-');
      return digits;
    });
  const base64Line = alnum(ALNUM + '+/', 48);

  /** Each format: the text to plant, and the parts of it that must not be found in the output. */
  type Planted = { text: string; secrets: string[] };
  const FORMATS: Record<string, fc.Arbitrary<Planted>> = {
    'AWS access key id': fc
      .tuple(fc.constantFrom('AKIA', 'ASIA'), alnum(UPPER + '234567', 16))
      .map(([prefix, id]) => ({ text: prefix + id, secrets: [id] })),
    'AWS key pair on one line': fc
      .tuple(alnum(UPPER + '234567', 16), fc.constantFrom(' ', ',', '\t', ' --secret-key ', '","', ' secret '), alnum(ALNUM + '/+', 40))
      .map(([id, gap, secret]) => ({ text: `AKIA${id}${gap}${secret}`, secrets: [id, secret] })),
    'AWS presigned URL': fc
      .tuple(alnum(UPPER + '234567', 16), alnum('0123456789abcdef', 64), alnum(ALNUM, 40))
      .map(([id, signature, token]) => ({
        text:
          `https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA${id}%2F20261202%2Fus-east-1%2Fs3%2Faws4_request` +
          `&X-Amz-Security-Token=${token}&X-Amz-Signature=${signature}`,
        secrets: [id, signature, token],
      })),
    'PEM private key': fc
      .tuple(
        fc.constantFrom(
          'PRIVATE KEY',
          'RSA PRIVATE KEY',
          'EC PRIVATE KEY',
          'OPENSSH PRIVATE KEY',
          'ENCRYPTED PRIVATE KEY',
          'DSA PRIVATE KEY',
        ),
        fc.array(base64Line, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('\n', '\\n', '\r\n'),
        fc.boolean(),
      )
      .map(([label, lines, newline, ended]) => ({
        text: `-----BEGIN ${label}-----${newline}${lines.join(newline)}${ended ? `${newline}-----END ${label}-----` : ''}`,
        secrets: lines,
      })),
    'GitHub token': fc
      .tuple(fc.constantFrom('ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'), alnum(ALNUM, 36))
      .map(([prefix, body]) => ({ text: prefix + body, secrets: [body] })),
    'GitHub fine-grained token': alnum(ALNUM + '_', 82).map((body) => ({ text: `github_pat_${body}`, secrets: [body] })),
    'GitLab token': alnum(ALNUM + '_-', 20).map((body) => ({ text: `glpat-${body}`, secrets: [body] })),
    'Slack token': fc
      .tuple(fc.constantFrom('xoxb-', 'xoxp-', 'xoxa-', 'xoxr-'), alnum(DIGITS, 12), alnum(ALNUM, 24))
      .map(([prefix, team, body]) => ({ text: `${prefix}${team}-${body}`, secrets: [team, body] })),
    'Stripe key': fc
      .tuple(fc.constantFrom('sk_live_', 'rk_live_', 'sk_test_'), alnum(ALNUM, 24))
      .map(([prefix, body]) => ({ text: prefix + body, secrets: [body] })),
    'Google API key': alnum(ALNUM + '_-', 35).map((body) => ({ text: `AIza${body}`, secrets: [body] })),
    'card number': cardArb.map((card) => ({ text: card, secrets: [card, card.replace(/\D/g, '')] })),
    'bracketed query key': fc
      .tuple(fc.constantFrom('user[password]=', 'password[]=', 'auth[token]=', 'a[b][api_key]=', '"user[secret]":"'), keySecretArb)
      .map(([key, secret]) => ({ text: key + secret, secrets: [secret] })),
    'encoded query key': fc
      .tuple(
        fc.constantFrom(
          'user%5Bpassword%5D=',
          'user%5bpassword%5d=',
          '%3Fpassword%3D',
          '%26token%3d',
          'password+%3D+',
          'password%20%3A%20',
          '%253Fpwd%253D',
        ),
        keySecretArb,
      )
      .map(([key, secret]) => ({ text: key + secret, secrets: [secret] })),
    'hash syntax': fc
      .tuple(fc.constantFrom('"password" => "', "'token' => '", ':secret => "', '[password] => '), keySecretArb)
      .map(([key, secret]) => ({ text: key + secret, secrets: [secret] })),
    'XML element': fc
      .tuple(fc.constantFrom('<password>', '<Token>', '<ns:ApiKey>', '<client_secret type="x">', '<password><![CDATA['), keySecretArb)
      .map(([open, secret]) => ({ text: `${open}${secret}${open.includes('CDATA') ? ']]>' : ''}</x>`, secrets: [secret] })),
  };

  // Surrounding text: log-like fragments, including every marker and lookalike the formats react to.
  const fragment = fc.oneof(
    fc.constantFrom(
      'GET',
      '/api/orders/107',
      'status',
      '200',
      'in',
      '12ms',
      'order',
      'id',
      'user',
      'bob',
      'retry=3',
      'ok:',
      'page[size]=2',
      '%2F',
      '%20',
      '%3D',
      '&',
      '?',
      '=',
      ':',
      ' ',
      '\n',
      '"',
      "'",
      ',',
      ';',
      '(',
      ')',
      '[',
      ']',
      '<',
      '>',
      '/',
      '-',
      '_',
      '+',
      '<b>',
      '</b>',
      'AKIA',
      'ghp_',
      'xoxb',
      'sk_live',
      '-----',
      'BEGIN',
      'PRIVATE KEY',
      'Bearer',
      'token',
      'password',
      '[REDACTED]',
      '4111',
      '2026-12-02T05:05:12.846Z',
      '10.0.0.12',
      '8f14e45f-ceea-467f-a0e6-7c2d5b0e3e51',
    ),
    fc.string({ unit: fc.constantFrom(...LOWER), minLength: 1, maxLength: 10 }),
  );
  const textArb = fc.array(fragment, { maxLength: 12 }).map((parts) => parts.join(''));
  // What separates a planted secret from its neighbours (a secret glued to other letters is another word).
  const delimiter = fc.constantFrom(' ', '\n', '\t', '"', "'", ',', ';', '(', ')', '=', ': ', '[', '] ', '{', '} ', '|', '&', '%20');

  // A value after a key runs to the next whitespace or quote, so it can take the start of an
  // open tag with attributes or of a hash pair (`password: <client_secret type="x">…`,
  // `password="'token' => '…'`): those follow a delimiter that ends values (a documented limit).
  const opening = (name: string) =>
    name === 'XML element' || name === 'hash syntax' ? fc.constantFrom(',', ';', '&', ', ', '; ') : delimiter;

  it.each(Object.keys(FORMATS))('%s', (name) => {
    fc.assert(
      fc.property(FORMATS[name], textArb, opening(name), delimiter, textArb, (planted, before, open, close, after) => {
        const text = `${before}${open}${planted.text}${close}${after}`;
        const once = redactor.scrub(text);
        for (const secret of planted.secrets) {
          const window = Math.min(8, secret.length);
          for (let i = 0; i + window <= secret.length; i++) {
            if (once.includes(secret.slice(i, i + window)))
              throw new Error(
                `leaked ${JSON.stringify(secret.slice(i, i + window))} of ${name}:\n${JSON.stringify(text)}\n-> ${JSON.stringify(once)}`,
              );
          }
        }
        expect(redactor.scrub(once)).toBe(once);
      }),
    );
  });
});
