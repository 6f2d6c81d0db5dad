import { captureFields, MAX_FIELDS } from '../../lib/capture/capture-fields.util';
import { resolveCapturePolicy } from '../../lib/options/resolve-capture-policy.util';

const policy = resolveCapturePolicy(undefined, { maxStringLength: 20 });

describe('captureFields (IncidentBuffer.assign)', () => {
  it('copies values now, redacts secret keys and secret-looking strings, bounds strings', () => {
    const user = { id: 7, roles: ['admin'] };
    const { fields } = captureFields(undefined, { user, token: 'abc', auth: 'Bearer abcdefghijklmnop', note: 'x'.repeat(50) }, policy);
    user.roles.push('mutated');
    expect(fields.user).toEqual({ id: 7, roles: ['admin'] });
    expect(fields.token).toBe('[REDACTED]');
    expect(String(fields.auth)).not.toContain('abcdefghijklmnop');
    expect(String(fields.note).length).toBeLessThan(50);
  });

  it('returns a new object each time (incidents already written keep theirs) and replaces keys', () => {
    const first = captureFields(undefined, { tenant: 'acme' }, policy).fields;
    const second = captureFields(first, { tenant: 'globex', userId: 1 }, policy).fields;
    expect(first).toEqual({ tenant: 'acme' });
    expect(second).toEqual({ tenant: 'globex', userId: 1 });
  });

  it(`keeps at most ${MAX_FIELDS} keys and says how many it left out`, () => {
    const many = Object.fromEntries(Array.from({ length: MAX_FIELDS + 5 }, (_, i) => [`k${i}`, i]));
    const result = captureFields(undefined, many, policy);
    expect(Object.keys(result.fields)).toHaveLength(MAX_FIELDS);
    expect(result.refused).toBe(5);
  });

  it('survives hostile input: throwing getters, __proto__ keys, non-objects', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}}') as object;
    Object.defineProperty(hostile, 'bad', {
      enumerable: true,
      get: () => {
        throw new Error('no');
      },
    });
    const { fields } = captureFields(undefined, hostile, policy);
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(fields, '__proto__')).toBe(true);
    expect(String(fields.bad)).toContain('Thrown by getter');
    expect(captureFields(undefined, 'text', policy).fields).toEqual({});
    expect(captureFields(undefined, null, policy).fields).toEqual({});
  });
});
