import fc from 'fast-check';
import { Logger } from '@nestjs/common';
import { captureRecords } from '../../lib/capture/capture-records.util';
import type { CapturePolicy } from '../../lib/capture/capture-policy.interface';
import { LogRecord, RawJsonRecord, RawTextRecord } from '../../lib/capture/log-record';
import { RecordScrubber, scrubJsonStrings } from '../../lib/capture/record-scrubber';
import { IncidentEngine } from '../../lib/engine/incident-engine';
import { formatIncident } from '../../lib/format/format-incident.util';
import { DEFAULT_CAPTURE_LIMITS } from '../../lib/interfaces/capture-limits.interface';
import { createRedactor } from '../../lib/redact/redactor';
import { toSafeJson } from '../../lib/serialize/safe-json.util';
import { MemoryTarget } from '../utils/memory.target';
import { startContext, TestContext } from '../utils/test-context';

fc.configureGlobal({ seed: 4242, numRuns: 200 });

const redactor = createRedactor();
const policy: CapturePolicy = { limits: DEFAULT_CAPTURE_LIMITS, redactor };
const scrubString = (text: string) => redactor.scrub(text);

// Strings made of secret-shaped pieces and filler, so both outcomes (censored or kept) are common.
const piece = fc.oneof(
  fc.constantFrom(
    'password=',
    'token: ',
    'Bearer ',
    'Authorization: Basic ',
    'https://u:',
    '@host/?access_token=',
    'AKIAIOSFODNN7EXAMPLE ',
    '4111 1111 1111 1111',
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
    '"api_key":"',
    '\\"secret\\": \\"',
    '\n',
    '"',
    '\\',
    '&',
  ),
  fc.string({ unit: fc.constantFrom(...'abcXYZ019 -_./:='), maxLength: 12 }),
);
const text = fc.array(piece, { maxLength: 8 }).map((parts) => parts.join(''));

/** Plain data (strings from `text`, numbers, booleans, null, arrays, objects), object keys from `text` or `keys`. */
function plainData(...keys: string[]) {
  return fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 4 }),
    object: fc.dictionary(fc.oneof(text, fc.constantFrom(...keys)), tie('value'), { maxKeys: 4 }),
  }));
}

describe('scrubJsonStrings', () => {
  it('scrubs every string (keys and values, escaped or not) and keeps the rest byte for byte', () => {
    const json = '{"note":"password=abc","a\\"b":"x\\ntoken=tok-1","n":-0.5,"list":[true,null,"Bearer t0k3n"],"k":{"e":""}}';
    expect(scrubJsonStrings(json, scrubString)).toBe(
      '{"note":"password=[REDACTED]","a\\"b":"x\\ntoken=[REDACTED]","n":-0.5,"list":[true,null,"Bearer [REDACTED]"],"k":{"e":""}}',
    );
  });

  it('returns the same string when nothing is secret', () => {
    const json = '{"user":"bob","items":[{"sku":"A-1","qty":2}],"escaped":"a\\\\b\\"c"}';
    expect(scrubJsonStrings(json, scrubString)).toBe(json);
  });

  it('scrubs malformed text as a whole rather than trusting its quotes', () => {
    expect(scrubJsonStrings('{"a":"password=abc', scrubString)).toBe('{"a":"password=[REDACTED]');
  });

  it('gives what capture-time redaction gives, for any plain value without a secret key', () => {
    const plain = plainData('note', 'url', 'user').value;
    const keysOf = (value: unknown): string[] =>
      typeof value === 'object' && value !== null ? Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]) : [];
    fc.assert(
      fc.property(plain, (value) => {
        fc.pre(!keysOf(value).some((key) => redactor.isSecretKey(key)));
        const raw = toSafeJson(value, DEFAULT_CAPTURE_LIMITS);
        expect(scrubJsonStrings(raw, (s) => redactor.scrub(s))).toBe(toSafeJson(value, DEFAULT_CAPTURE_LIMITS, redactor));
      }),
    );
  });
});

describe('RecordScrubber', () => {
  it('turns a raw text record into what capture-time redaction gives', () => {
    const scrubber = new RecordScrubber(policy);
    fc.assert(
      fc.property(text, fc.option(text, { nil: undefined }), (message, context) => {
        const [expected] = captureRecords('debug', message, context === undefined ? [] : [context], policy, 7);
        const shown = scrubber.record(new RawTextRecord('debug', 7, message, context));
        expect(shown).toBeInstanceOf(LogRecord);
        expect({ ...shown }).toEqual({ ...expected });
      }),
    );
  });

  it('scrubs the strings of a raw JSON record, and passes a finished record through untouched', () => {
    const scrubber = new RecordScrubber(policy);
    const shown = scrubber.record(new RawJsonRecord('log', 1, '{"note":"token=abc"}', 'Bearer ctx-1'));
    expect(shown).toEqual(new LogRecord('log', 1, '{"note":"token=[REDACTED]"}', 'Bearer [REDACTED]'));
    const finished = new LogRecord('error', 2, 'password=[REDACTED]', undefined, 'stack');
    expect(scrubber.record(finished)).toBe(finished);
  });

  it('with redaction off, gives finished records with the text as logged', () => {
    const scrubber = new RecordScrubber({ limits: DEFAULT_CAPTURE_LIMITS });
    expect(scrubber.record(new RawTextRecord('debug', 1, 'password=abc', 'Ctx'))).toEqual(new LogRecord('debug', 1, 'password=abc', 'Ctx'));
    expect(scrubber.request({ id: 'r', method: 'GET', url: '/?token=abc' })).toEqual({ id: 'r', method: 'GET', url: '/?token=abc' });
  });

  it('keeps its context cache bounded', () => {
    const scrubber = new RecordScrubber(policy);
    for (let i = 0; i < 2000; i++) scrubber.record(new RawTextRecord('debug', 1, 'm', `Ctx${i}`));
    expect((scrubber as unknown as { contexts: Map<string, string> }).contexts.size).toBeLessThanOrEqual(512);
    expect(scrubber.record(new RawTextRecord('debug', 1, 'm', 'token=ctx-secret')).context).toBe('token=[REDACTED]');
  });
});

describe('redaction on the way out, through the logger', () => {
  const target = new MemoryTarget();
  let ctx: TestContext;
  beforeAll(async () => {
    // The properties write the same failure hundreds of times: storm control would rightly hold most back.
    ctx = await startContext({ targets: [target], bufferSize: 100, storm: false });
  });
  afterAll(() => ctx.close());

  it('buffers hot-path records as logged, and no exit shows the secret', () => {
    const logger = new Logger('Orders');
    ctx.buffer.run(() => {
      logger.debug('calling upstream with Bearer hot-secret-1');
      Logger.debug('static', 'token=ctx-secret-2');
      logger.debug({ user: 'bob', note: 'password=json-secret-4' });
      logger.debug({ user: 'bob', password: 'key-secret-5' });
      // As buffered: raw (no redaction paid on the hot path), except an object with a secret key (censored by the safe path).
      const engine = ctx.app.get(IncidentEngine);
      const buffered = engine.currentScope().snapshot();
      expect(buffered.map((record) => record.constructor)).toEqual([RawTextRecord, RawTextRecord, RawJsonRecord, LogRecord]);
      expect(JSON.stringify(buffered)).toContain('hot-secret-1');
      expect(JSON.stringify(buffered)).toContain('json-secret-4');
      expect(JSON.stringify(buffered)).not.toContain('key-secret-5');
      // Every way out is redacted.
      expect(ctx.buffer.snapshot().map((r) => [r.message, r.context])).toEqual([
        ['calling upstream with Bearer [REDACTED]', 'Orders'],
        ['static', 'token=[REDACTED]'],
        ['{"user":"bob","note":"password=[REDACTED]"}', 'Orders'],
        ['{"user":"bob","password":"[REDACTED]"}', 'Orders'],
      ]);
      expect(ctx.buffer.flush()?.records.map((r) => r.message)).toEqual([
        'calling upstream with Bearer [REDACTED]',
        'static',
        '{"user":"bob","note":"password=[REDACTED]"}',
        '{"user":"bob","password":"[REDACTED]"}',
      ]);
      logger.debug('again Bearer hot-secret-3');
      expect(ctx.buffer.dumpAll().flatMap((i) => i.records.map((r) => r.message))).toContain('again Bearer [REDACTED]');
    });
    expect(JSON.stringify(target.incidents)).not.toMatch(/secret-\d/);
  });

  it('property: a plain value logged at debug is shown exactly as capture-time redaction showed it', () => {
    const logger = new Logger('Plain');
    const plain = plainData('note', 'password', 'apiKey', 'user');
    // Objects and arrays (a string or number message is text, not JSON).
    const container = fc.oneof(plain.array, plain.object);
    fc.assert(
      fc.property(container, (value) => {
        const shown = ctx.buffer.run(() => {
          logger.debug(value);
          return ctx.buffer.snapshot();
        });
        expect(shown.map((r) => r.message)).toEqual([toSafeJson(value, DEFAULT_CAPTURE_LIMITS, redactor)]);
      }),
    );
  });

  it('property: a secret planted in a string or object logged at debug never reaches the incident', () => {
    const logger = new Logger('Prop');
    const secretArb = fc.string({ unit: fc.constantFrom(...'BFGHJKLMNPQSUVWXYZ23456789'), minLength: 16, maxLength: 32 });
    const keyArb = fc.constantFrom('password', 'token', 'api_key', 'client_secret', 'authorization', 'Secret');
    const shapeArb = fc.constantFrom('text', 'query', 'object-key', 'object-text', 'array-text', 'context');
    fc.assert(
      fc.property(shapeArb, keyArb, secretArb, (shape, key, secret) => {
        target.incidents.splice(0);
        ctx.buffer.run(() => {
          if (shape === 'text') logger.debug(`login with ${key}=${secret} failed`);
          if (shape === 'query') logger.debug(`GET https://api.example.com/cb?state=1&${key}=${secret}`);
          if (shape === 'object-key') logger.debug({ user: 'bob', [key]: secret });
          if (shape === 'object-text') logger.debug({ user: 'bob', note: `${key}: ${secret}` });
          if (shape === 'array-text') logger.debug([{ line: `${key}=${secret}` }]);
          if (shape === 'context') Logger.debug('static', `${key}=${secret}`);
          logger.error('failed');
        });
        const output = target.incidents
          .flatMap((i) => [JSON.stringify(i), formatIncident(i, 'text'), formatIncident(i, 'json')])
          .join('\n');
        expect(output).toContain('failed');
        for (let i = 0; i + 6 <= secret.length; i++) expect(output).not.toContain(secret.slice(i, i + 6));
      }),
    );
  });
});
