// Issue 11, what an incident carries: assign() fields (redacted, in both
// formats), the warning that survives a debug flood with dropped counts by
// level and span, the record age limit, and `previous` linking the incidents
// of one scope. End to end through a real app on Express and Fastify.
import { Controller, Get, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { IncidentLoggerModuleOptions } from '../../lib';
import { ConsoleTarget, IncidentBuffer } from '../../lib';
import { MemoryTarget } from '../utils/memory.target';
import { CapturedStream, get, PolicyApp, sleep, startPolicyApp } from '../utils/policy-app';
import { Platform, PLATFORMS } from '../utils/test-app';

const target = new MemoryTarget();
const FLOOD = 10_000;

@Controller()
class WindowController {
  private readonly logger = new Logger('Checkout');

  constructor(private readonly buffer: IncidentBuffer) {}

  @Get('assign')
  assign() {
    this.buffer.assign({ userId: 42, tenant: 'acme', password: 'hunter2', note: 'called with Bearer abc.def.ghi' });
    this.logger.debug('loading profile');
    this.logger.error('profile failed');
    return 'ok';
  }

  @Get('many-fields')
  manyFields() {
    const fields: Record<string, number> = {};
    for (let i = 0; i < 40; i++) fields[`field${i}`] = i;
    this.buffer.assign(fields);
    this.logger.error('failed with many fields');
    return 'ok';
  }

  @Get('big-field')
  bigField() {
    this.buffer.assign({ payload: 'x'.repeat(100_000) });
    this.logger.error('failed with a big field');
    return 'ok';
  }

  @Get('flood')
  flood() {
    this.logger.warn('the warning that explains');
    for (let i = 0; i < FLOOD; i++) this.logger.debug(`debug ${i}`);
    this.logger.error('payment failed');
    return 'ok';
  }

  @Get('twice')
  twice() {
    this.logger.debug('step a');
    this.logger.error('first failure');
    this.logger.debug('step b');
    this.logger.error('second failure');
    return 'ok';
  }
}

/** Logs one debug line while the app starts: it lands in the global scope. */
@Injectable()
class BootLogger implements OnModuleInit {
  onModuleInit() {
    new Logger('Boot').debug('boot line from onModuleInit');
  }
}

function start(platform: Platform, options: IncidentLoggerModuleOptions = {}): Promise<PolicyApp> {
  return startPolicyApp(platform, { targets: [target], ...options }, [WindowController], [BootLogger]);
}

describe.each(PLATFORMS)('assign() fields on %s', (platform) => {
  const text = new CapturedStream();
  const json = new CapturedStream();
  let t: PolicyApp;
  beforeAll(async () => {
    t = await start(platform, {
      targets: [target, new ConsoleTarget({ format: 'text', stream: text }), new ConsoleTarget({ format: 'json', stream: json })],
    });
  });
  afterAll(() => t.close());
  beforeEach(() => {
    target.incidents.splice(0);
    text.chunks.splice(0);
    json.chunks.splice(0);
  });

  it('are on the incident, redacted (secret-named keys censored, strings scrubbed), and shown in the text and json headers', async () => {
    await get(t, '/assign', 'assign-1');
    expect(target.incidents).toHaveLength(1);
    const [incident] = target.incidents;
    expect(incident.fields).toEqual({ userId: 42, tenant: 'acme', password: '[REDACTED]', note: 'called with Bearer [REDACTED]' });
    expect(incident.records.map((r) => r.message)).toEqual(['loading profile', 'profile failed']);

    const textHeader = text.text.split('\n')[0];
    expect(textHeader).toMatch(/^=== INCIDENT /);
    expect(textHeader).toContain('userId=42');
    expect(textHeader).toContain('tenant=acme');

    const [jsonHeader] = json.json();
    expect(jsonHeader).toMatchObject({ type: 'incident', incident: incident.id });
    expect(JSON.stringify(jsonHeader)).toContain('"userId":42');
    expect(JSON.stringify(jsonHeader)).toContain('"tenant":"acme"');

    for (const output of [text.text, json.text, JSON.stringify(target.incidents)]) {
      expect(output).not.toContain('hunter2');
      expect(output).not.toContain('abc.def.ghi');
    }
  });

  it('are bounded to 32 keys', async () => {
    await get(t, '/many-fields');
    expect(target.incidents).toHaveLength(1);
    expect(Object.keys(target.incidents[0].fields ?? {})).toHaveLength(32);
  });

  it('values are bounded by captureLimits (maxStringLength 8192 by default)', async () => {
    await get(t, '/big-field');
    expect(target.incidents).toHaveLength(1);
    const payload = target.incidents[0].fields?.payload;
    expect(typeof payload).toBe('string');
    expect((payload as string).startsWith('xxxx')).toBe(true);
    expect((payload as string).length).toBeLessThan(8192 + 100);
  });
});

describe.each(PLATFORMS)('the window on %s', (platform) => {
  let t: PolicyApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  beforeEach(() => target.incidents.splice(0));

  it('flushLevel error: the warning survives a 10,000-line debug flood, in order, with exact dropped counts', async () => {
    t = await start(platform, { flushLevel: 'error' });
    const before = t.buffer.stats().droppedByLevel.debug;
    await get(t, '/flood', 'flood-1');
    expect(target.incidents).toHaveLength(1);
    const [incident] = target.incidents;
    const kept = 30; // bufferSize (default)
    expect(incident.records.map((r) => r.message)).toEqual([
      'the warning that explains',
      ...Array.from({ length: kept }, (_, i) => `debug ${FLOOD - kept + i}`),
      'payment failed',
    ]);
    expect(incident.records.map((r) => r.level)).toEqual(['warn', ...Array(kept).fill('debug'), 'error']);
    expect(incident.dropped).toBe(FLOOD - kept);
    expect(incident.droppedByLevel?.debug).toBe(FLOOD - kept);
    expect(Object.values(incident.droppedByLevel ?? {}).reduce((sum, n) => sum + (n ?? 0), 0)).toBe(FLOOD - kept);
    const span = incident.droppedSpan!;
    expect(span.from).toBeLessThanOrEqual(span.to);
    expect(span.from).toBeGreaterThanOrEqual(incident.records[0].timestamp);
    expect(span.to).toBeLessThanOrEqual(incident.records[1].timestamp);
    expect(t.buffer.stats().droppedByLevel.debug - before).toBe(FLOOD - kept);
  });

  it('reservedWarnings 0: nothing keeps the warning, the flood evicts it and it is counted as dropped', async () => {
    t = await start(platform, { flushLevel: 'error', reservedWarnings: 0 });
    await get(t, '/flood');
    expect(target.incidents).toHaveLength(1);
    const [incident] = target.incidents;
    const kept = 30;
    expect(incident.records.map((r) => r.message)).toEqual([
      ...Array.from({ length: kept }, (_, i) => `debug ${FLOOD - kept + i}`),
      'payment failed',
    ]);
    expect(incident.dropped).toBe(FLOOD + 1 - kept);
    expect(incident.droppedByLevel).toEqual({ warn: 1, debug: FLOOD - kept });
  });

  it('maxRecordAgeMs 200: records older than that when the window is taken are left out and counted as dropped', async () => {
    t = await start(platform, { maxRecordAgeMs: 200, bufferSize: 100 });
    await sleep(300);
    // Outside a request: the global scope, which holds the boot lines (Nest's at log level, BootLogger's at debug).
    t.logger.debug('fresh line');
    t.logger.error('late failure');
    expect(target.incidents).toHaveLength(1);
    const [incident] = target.incidents;
    expect(incident.scope).toBe('global');
    expect(incident.records.map((r) => r.message)).toEqual(['fresh line', 'late failure']);
    expect(incident.droppedByLevel?.debug).toBe(1); // the boot line from onModuleInit
    expect(incident.dropped).toBeGreaterThanOrEqual(2); // and Nest's own boot lines
    expect(Object.values(incident.droppedByLevel ?? {}).reduce((sum, n) => sum + (n ?? 0), 0)).toBe(incident.dropped);
    const span = incident.droppedSpan!;
    expect(span.from).toBeLessThanOrEqual(span.to);
    expect(span.to).toBeLessThan(incident.records[0].timestamp);
  });

  it('the second incident of a request names the first as previous; the next request starts a new chain', async () => {
    t = await start(platform);
    await get(t, '/twice', 'twice-1');
    await get(t, '/twice', 'twice-2');
    expect(target.incidents).toHaveLength(4);
    const [first, second, third, fourth] = target.incidents;
    expect(first.records.map((r) => r.message)).toEqual(['step a', 'first failure']);
    expect(second.records.map((r) => r.message)).toEqual(['step b', 'second failure']);
    expect(first.previous).toBeUndefined();
    expect(second.previous).toBe(first.id);
    expect(third.request?.id).toBe('twice-2');
    expect(third.previous).toBeUndefined();
    expect(fourth.previous).toBe(third.id);
    for (const incident of target.incidents) expect(incident.fingerprint).toMatch(/^[0-9a-f]{12}$/);
  });
});
