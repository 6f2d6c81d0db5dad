// Issue 11, storm control: 5,000 identical failures from 200 concurrent
// requests write a bounded output with exact counts; fatal is never held
// back; the suppressed summary is written when the window ends. End to end
// through a real app on Express and Fastify.
import { Controller, Get, Logger, Param } from '@nestjs/common';
import type { Incident, IncidentLoggerModuleOptions } from '../../lib';
import { ConsoleTarget } from '../../lib';
import { MemoryTarget } from '../utils/memory.target';
import { CapturedStream, get, PolicyApp, QUIET_MS, sleep, startPolicyApp } from '../utils/policy-app';
import { Platform, PLATFORMS } from '../utils/test-app';
import { until } from '../utils/until';

const REQUESTS = 200;
const FAILURES_PER_REQUEST = 25;
const FAILURES = REQUESTS * FAILURES_PER_REQUEST; // 5,000
const FAILURE = /^connection pool exhausted: 3\/3 in use for \d+ ms$/;

const memory = new MemoryTarget();

@Controller()
class StormController {
  private readonly logger = new Logger('Pool');

  /** The same failure 25 times, with varying numbers, yielding between them so the requests interleave. */
  @Get('storm/:n')
  async storm(@Param('n') n: string) {
    for (let i = 0; i < FAILURES_PER_REQUEST; i++) {
      this.logger.debug(`acquire attempt ${i}`);
      this.logger.error(`connection pool exhausted: 3/3 in use for ${Number(n) * FAILURES_PER_REQUEST + i} ms`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return 'ok';
  }

  @Get('fail/:n')
  fail(@Param('n') n: string) {
    this.logger.debug('acquire');
    this.logger.error(`connection pool exhausted: 3/3 in use for ${n} ms`);
    return 'ok';
  }

  @Get('fatal')
  fatal() {
    this.logger.debug('last words');
    this.logger.fatal('out of memory');
    return 'ok';
  }

  @Get('burst')
  burst() {
    for (let i = 0; i < 5; i++) this.logger.error(`connection pool exhausted: 3/3 in use for ${i} ms`);
    return 'ok';
  }
}

function start(platform: Platform, options: IncidentLoggerModuleOptions): Promise<PolicyApp> {
  return startPolicyApp(platform, options, [StormController]);
}

const byReason = (reason: Incident['reason']) => memory.incidents.filter((incident) => incident.reason === reason);

describe.each(PLATFORMS)('storm control on %s', (platform) => {
  let t: PolicyApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  beforeEach(() => memory.incidents.splice(0));

  it('5,000 identical failures from 200 concurrent requests: 3 full, 57 repeat lines, one summary of 4,940 at shutdown; bounded bytes', async () => {
    const json = new CapturedStream();
    t = await start(platform, {
      storm: { windowMs: 60_000, fullIncidents: 3, maxIncidents: 60 },
      targets: [memory, new ConsoleTarget({ format: 'json', stream: json })],
    });
    const app = t;
    const before = app.buffer.stats();
    const responses = await Promise.all(Array.from({ length: REQUESTS }, (_, n) => get(app, `/storm/${n}`, `storm-${n}`)));
    expect(responses.every((res) => res.status === 200)).toBe(true);
    await sleep(QUIET_MS);

    // Until shutdown: 3 full incidents and 57 repeat lines, nothing else.
    expect(memory.incidents).toHaveLength(60);
    const full = byReason('level');
    const repeats = byReason('repeat');
    expect(full).toHaveLength(3);
    expect(repeats).toHaveLength(57);
    for (const incident of full) {
      expect(incident.records.map((r) => r.level)).toEqual(['debug', 'error']);
      expect(incident.records[0].message).toMatch(/^acquire attempt \d+$/);
      expect(incident.trigger).toBe(incident.records[1]);
      expect(incident.trigger?.message).toMatch(FAILURE);
    }
    for (const incident of repeats) {
      expect(incident.records).toHaveLength(1);
      expect(incident.trigger).toBe(incident.records[0]);
      expect(incident.records[0].message).toMatch(FAILURE);
      expect(incident.request?.id).toMatch(/^storm-\d+$/);
    }
    expect(repeats.map((incident) => incident.repeat).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 57 }, (_, i) => i + 4));
    const fingerprints = new Set(memory.incidents.map((incident) => incident.fingerprint));
    expect(fingerprints.size).toBe(1);
    const [fingerprint] = fingerprints;
    expect(fingerprint).toMatch(/^[0-9a-f]{12}$/);

    const stats = app.buffer.stats();
    expect(stats.repeated - before.repeated).toBe(57);
    expect(stats.suppressed - before.suppressed).toBe(FAILURES - 60);
    expect(stats.incidents.level - before.incidents.level).toBe(3);
    expect(stats.incidents.repeat - before.incidents.repeat).toBe(57);
    expect(stats.incidents.suppressed).toBe(0);
    // One debug line before each failure: the windows of the 57 repeats and the 4,940 suppressed were discarded.
    expect(stats.droppedByLevel.debug - before.droppedByLevel.debug).toBe(FAILURES - 3);

    await app.close();
    t = undefined;
    expect(memory.incidents).toHaveLength(61);
    const [summary] = byReason('suppressed');
    expect(memory.incidents[60]).toBe(summary);
    expect(summary.scope).toBe('global');
    expect(summary.suppressed?.count).toBe(FAILURES - 60);
    expect(summary.suppressed!.first).toBeLessThanOrEqual(summary.suppressed!.last);
    expect(summary.suppressed?.requestIds).toHaveLength(5);
    for (const id of summary.suppressed!.requestIds) expect(id).toMatch(/^storm-\d+$/);
    expect(summary.suppressed?.fingerprints).toHaveLength(1);
    expect(summary.suppressed?.fingerprints[0]).toMatchObject({ fingerprint, count: FAILURES - 60 });
    expect(summary.suppressed?.fingerprints[0].message).toContain('connection pool exhausted');
    expect(summary.records.map((r) => [r.level, r.context])).toEqual([['warn', 'IncidentStorm']]);
    expect(summary.records[0].message).toMatch(
      /^4940 incident(?:s|\(s\)) suppressed over the budget of 60 per 60000 ms: 4940 x "connection pool exhausted: .*"$/,
    );
    expect(app.buffer.stats().incidents.suppressed).toBe(1);

    // The bytes written: every incident as JSON lines (a header and one line per record), and nothing else.
    const lines = json.json();
    expect(lines.filter((line) => line.type === 'incident')).toHaveLength(61);
    expect(lines).toHaveLength(memory.incidents.reduce((sum, incident) => sum + 1 + incident.records.length, 0));
    const bound = 61 * 2 * 1024 + 3 * 1024; // 61 incidents of at most 2 lines (3 of them 3), 1 KiB a line
    console.log(`storm on ${platform}: ${FAILURES} failures from ${REQUESTS} requests, ${lines.length} JSON lines, ${json.bytes} bytes`);
    expect(json.bytes).toBeLessThan(bound);
  });

  it('fatal is never held back: after the budget is exhausted, each fatal still writes a full incident', async () => {
    t = await start(platform, { storm: { windowMs: 60_000, fullIncidents: 1, maxIncidents: 2 }, targets: [memory] });
    for (let n = 1; n <= 4; n++) await get(t, `/fail/${n}`);
    expect(memory.incidents.map((incident) => incident.reason)).toEqual(['level', 'repeat']);

    memory.incidents.splice(0);
    for (let n = 1; n <= 3; n++) await get(t, '/fatal', `fatal-${n}`);
    expect(memory.incidents.map((incident) => [incident.reason, incident.request?.id, incident.records.map((r) => r.message)])).toEqual([
      ['level', 'fatal-1', ['last words', 'out of memory']],
      ['level', 'fatal-2', ['last words', 'out of memory']],
      ['level', 'fatal-3', ['last words', 'out of memory']],
    ]);
    expect(memory.incidents.map((incident) => incident.trigger?.level)).toEqual(['fatal', 'fatal', 'fatal']);

    await t.close();
    t = undefined;
    expect(byReason('suppressed').map((incident) => incident.suppressed?.count)).toEqual([2]);
  });

  it('windowMs 300: the summary is written when the window ends, with no new incident to carry it', async () => {
    t = await start(platform, { storm: { windowMs: 300, fullIncidents: 1, maxIncidents: 2 }, targets: [memory] });
    await get(t, '/burst', 'burst-1');
    expect(memory.incidents.map((incident) => incident.reason)).toEqual(['level', 'repeat']);
    expect(memory.incidents[1].repeat).toBe(2);
    await until(() => memory.incidents.length >= 3, 'the suppressed summary after the window', { attempts: 300, intervalMs: 10 });
    await sleep(QUIET_MS);
    expect(memory.incidents.map((incident) => incident.reason)).toEqual(['level', 'repeat', 'suppressed']);
    const summary = memory.incidents[2];
    expect(summary.scope).toBe('global');
    expect(summary.suppressed?.count).toBe(3);
    expect(new Set(summary.suppressed?.requestIds)).toEqual(new Set(['burst-1']));
    expect(summary.records[0].message).toMatch(
      /^3 incident(?:s|\(s\)) suppressed over the budget of 2 per 300 ms: 3 x "connection pool exhausted: /,
    );
  });
});
