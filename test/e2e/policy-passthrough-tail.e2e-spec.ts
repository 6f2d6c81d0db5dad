// Issue 11, pass-through and tail: records at or above passthroughLevel
// written at once (writeRecord, or a one-record incident for a target without
// it) and once only; the bounded tail after a trigger. End to end through a
// real app on Express and Fastify.
import { Controller, Get, Logger } from '@nestjs/common';
import type { Incident, IncidentLoggerModuleOptions, IncidentRecord, IncidentRequest, IncidentTarget } from '../../lib';
import { ConsoleTarget } from '../../lib';
import { MemoryTarget } from '../utils/memory.target';
import { CapturedStream, get, occurrences, PolicyApp, QUIET_MS, sleep, startPolicyApp, startupError } from '../utils/policy-app';
import { Platform, PLATFORMS } from '../utils/test-app';
import { until } from '../utils/until';

/** A target with writeRecord: keeps what it receives, each call apart. */
class RecordingTarget implements IncidentTarget {
  readonly incidents: Incident[] = [];
  readonly records: Array<{ record: IncidentRecord; request: IncidentRequest | undefined }> = [];

  write(incident: Incident): void {
    this.incidents.push(incident);
  }

  writeRecord(record: IncidentRecord, request: IncidentRequest | undefined): void {
    this.records.push({ record, request });
  }
}

const recording = new RecordingTarget();
const memory = new MemoryTarget();

const summary = (incidents: Incident[]) => incidents.map((i) => [i.reason, i.records.map((r) => r.message)]);

@Controller()
class PassthroughController {
  private readonly logger = new Logger('Orders');

  /** Says what the targets had right after the first log record, before the request went on. */
  @Get('pt')
  async passthrough() {
    this.logger.debug('d1');
    this.logger.log('l1');
    const seen = { writeRecord: recording.records.map((r) => r.record.message), memory: summary(memory.incidents) };
    await sleep(5);
    this.logger.log('l2');
    this.logger.debug('d2');
    this.logger.warn('w1');
    return seen;
  }

  @Get('pt-console')
  console() {
    this.logger.log('pt-line-1');
    this.logger.debug('pt-debug');
    this.logger.log('pt-line-2');
    this.logger.error('pt-boom');
    return 'ok';
  }

  /** Says how many incidents there were after the third record following the trigger, and after the fifth. */
  @Get('tail-records')
  tailRecords() {
    this.logger.debug('before');
    this.logger.error('boom');
    for (let i = 1; i <= 3; i++) this.logger.debug(`after ${i}`);
    const afterThird = memory.incidents.length;
    for (let i = 4; i <= 5; i++) this.logger.debug(`after ${i}`);
    return { afterThird, afterFifth: memory.incidents.length };
  }

  @Get('tail-ms')
  async tailMs() {
    this.logger.error('boom');
    this.logger.debug('after 1');
    this.logger.debug('after 2');
    await sleep(400); // longer than afterTrigger.ms: the tail's timer, set earlier, fires first
    const afterWait = memory.incidents.length;
    this.logger.debug('late');
    return { afterWait };
  }

  @Get('tail-end')
  tailEnd() {
    this.logger.error('boom');
    this.logger.debug('after 1');
    this.logger.debug('after 2');
    return 'ok';
  }

  @Get('tail-retrigger')
  tailRetrigger() {
    this.logger.error('boom 1');
    this.logger.debug('between');
    this.logger.error('boom 2');
    return 'ok';
  }
}

function start(platform: Platform, options: IncidentLoggerModuleOptions): Promise<PolicyApp> {
  return startPolicyApp(platform, options, [PassthroughController]);
}

function clearAll(...streams: CapturedStream[]): void {
  recording.incidents.splice(0);
  recording.records.splice(0);
  memory.incidents.splice(0);
  for (const stream of streams) stream.chunks.splice(0);
}

describe.each(PLATFORMS)("passthroughLevel 'log' on %s", (platform) => {
  let t: PolicyApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('each log record reaches writeRecord once, at once; a target without it gets one-record passthrough incidents', async () => {
    t = await start(platform, { passthroughLevel: 'log', flushLevel: 'warn', targets: [recording, memory] });
    clearAll(); // Nest's boot lines (log level) were passed through too
    const { status, body } = await get(t, '/pt', 'pt-1');
    expect(status).toBe(200);
    // Before the request went on: written at once.
    expect(JSON.parse(body)).toEqual({ writeRecord: ['l1'], memory: [['passthrough', ['l1']]] });

    const request = { id: 'pt-1', kind: 'http', method: 'GET', url: '/pt' };
    expect(recording.records.map(({ record, request }) => [record.level, record.message, request])).toEqual([
      ['log', 'l1', request],
      ['log', 'l2', request],
    ]);
    // The incident later in the request has them all, the passed-through ones marked.
    const windowOf = (incident: Incident) => incident.records.map((r) => [r.message, r.passthrough === true]);
    const window = [
      ['d1', false],
      ['l1', true],
      ['l2', true],
      ['d2', false],
      ['w1', false],
    ];
    expect(recording.incidents.map((i) => i.reason)).toEqual(['level']);
    expect(windowOf(recording.incidents[0])).toEqual(window);

    expect(summary(memory.incidents)).toEqual([
      ['passthrough', ['l1']],
      ['passthrough', ['l2']],
      ['level', ['d1', 'l1', 'l2', 'd2', 'w1']],
    ]);
    for (const incident of memory.incidents.slice(0, 2)) {
      expect(incident.scope).toBe('request');
      expect(incident.request).toEqual(request);
    }
    expect(windowOf(memory.incidents[2])).toEqual(window);
    expect(memory.incidents[2].trigger?.message).toBe('w1');

    await sleep(QUIET_MS);
    expect(recording.records).toHaveLength(2);
    expect(memory.incidents).toHaveLength(3);
  });

  it('with ConsoleTarget (text and json), each record appears exactly once in the whole output', async () => {
    const text = new CapturedStream();
    const json = new CapturedStream();
    t = await start(platform, {
      passthroughLevel: 'log',
      targets: [new ConsoleTarget({ format: 'text', stream: text }), new ConsoleTarget({ format: 'json', stream: json })],
    });
    clearAll(text, json);
    await get(t, '/pt-console');
    await sleep(QUIET_MS);
    for (const output of [text.text, json.text]) {
      for (const message of ['pt-line-1', 'pt-line-2', 'pt-debug', 'pt-boom'])
        expect([message, occurrences(output, message)]).toEqual([message, 1]);
    }
    // The incident header says how many of its records were written earlier.
    const header = text.text.split('\n').find((line) => line.startsWith('=== INCIDENT '));
    expect(header).toContain('passthrough=2');
  });

  it('passthroughLevel at or above flushLevel is a startup error naming passthroughLevel', async () => {
    const same = await startupError(platform, { passthroughLevel: 'warn', flushLevel: 'warn' });
    expect(same.message).toMatch(/^IncidentLoggerModule: passthroughLevel .*"warn" \(string\)$/);
    const above = await startupError(platform, { passthroughLevel: 'error', flushLevel: 'warn' });
    expect(above.message).toMatch(/^IncidentLoggerModule: passthroughLevel .*"error" \(string\)$/);
  });
});

describe.each(PLATFORMS)('afterTrigger on %s', (platform) => {
  let t: PolicyApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  beforeEach(() => clearAll());

  it('records 3: the 3 records after the trigger are written as a tail linked to it; the rest stay in the window', async () => {
    t = await start(platform, { afterTrigger: { records: 3, ms: 10_000 }, targets: [memory] });
    const { body } = await get(t, '/tail-records');
    expect(JSON.parse(body)).toEqual({ afterThird: 2, afterFifth: 2 });
    await sleep(QUIET_MS);
    expect(summary(memory.incidents)).toEqual([
      ['level', ['before', 'boom']],
      ['tail', ['after 1', 'after 2', 'after 3']],
    ]);
    expect(memory.incidents[1].previous).toBe(memory.incidents[0].id);
  });

  it('ms 150: the tail is written when the time is up, with what came by then', async () => {
    t = await start(platform, { afterTrigger: { records: 100, ms: 150 }, targets: [memory] });
    const { body } = await get(t, '/tail-ms');
    expect(JSON.parse(body)).toEqual({ afterWait: 2 });
    await sleep(QUIET_MS);
    expect(summary(memory.incidents)).toEqual([
      ['level', ['boom']],
      ['tail', ['after 1', 'after 2']],
    ]);
    expect(memory.incidents[1].previous).toBe(memory.incidents[0].id);
  });

  it('the end of the request writes the tail early, with the outcome', async () => {
    t = await start(platform, { afterTrigger: { records: 100, ms: 10_000 }, targets: [memory] });
    await get(t, '/tail-end');
    await until(() => memory.incidents.length >= 2, 'the tail at the end of the request');
    await sleep(QUIET_MS);
    expect(summary(memory.incidents)).toEqual([
      ['level', ['boom']],
      ['tail', ['after 1', 'after 2']],
    ]);
    const tail = memory.incidents[1];
    expect(tail.previous).toBe(memory.incidents[0].id);
    expect(tail.outcome?.status).toBe(200);
    expect(typeof tail.outcome?.durationMs).toBe('number');
  });

  it('a new trigger during a tail ends it: its window holds the tail records', async () => {
    t = await start(platform, { afterTrigger: { records: 100, ms: 10_000 }, targets: [memory] });
    await get(t, '/tail-retrigger');
    await sleep(QUIET_MS);
    expect(summary(memory.incidents)).toEqual([
      ['level', ['boom 1']],
      ['level', ['between', 'boom 2']],
    ]);
    expect(memory.incidents[1].previous).toBe(memory.incidents[0].id);
  });
});
