// Issue 11, outcome triggers: failures nobody logged (a 5xx, a slow request, a
// rejected run()), markForIncident, sampling of healthy requests, end to end
// through a real app on Express and Fastify.
import { Controller, Get, HttpCode, Logger, InternalServerErrorException, NotFoundException } from '@nestjs/common';
import type { Incident, IncidentLoggerModuleOptions, IncidentRecord } from '../../lib';
import { IncidentBuffer } from '../../lib';
import { MemoryTarget } from '../utils/memory.target';
import { abandonable, get, PolicyApp, QUIET_MS, sleep, startPolicyApp } from '../utils/policy-app';
import { PLATFORMS } from '../utils/test-app';
import { until } from '../utils/until';

const target = new MemoryTarget();
/** A duration as the synthetic trigger prints it. */
const MS = '\\d+(?:\\.\\d+)? ms';

class PaymentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PaymentError';
  }
}

@Controller()
class OutcomeController {
  private readonly logger = new Logger('Orders');

  constructor(private readonly buffer: IncidentBuffer) {}

  @Get('ise')
  ise() {
    this.logger.debug('loading order 7');
    this.logger.debug('calling payment');
    throw new InternalServerErrorException('payment backend down');
  }

  /** Logs nothing at all: the purest silent 500. */
  @Get('ise-bare')
  iseBare() {
    throw new InternalServerErrorException('nobody logged this');
  }

  /** Logged an error (an incident), then failed with a 500: one incident, not two. */
  @Get('error-then-ise')
  errorThenIse() {
    this.logger.error('database down');
    throw new InternalServerErrorException('database down');
  }

  /** An error logged by a timer the request did not await, after its response. */
  @Get('late')
  late() {
    this.logger.debug('scheduling a retry');
    setTimeout(() => this.logger.error('retry failed after the response'), 100);
    return 'ok';
  }

  @Get('unavailable')
  @HttpCode(503)
  unavailable() {
    this.logger.debug('queue full');
    return { busy: true };
  }

  @Get('throw')
  throws() {
    this.logger.debug('about to throw');
    throw new Error('unhandled boom');
  }

  @Get('missing')
  missing() {
    this.logger.debug('looking up order 9');
    throw new NotFoundException('order 9 not found');
  }

  @Get('slow')
  async slow() {
    this.logger.debug('slow start');
    await sleep(250);
    this.logger.debug('slow end');
    return 'ok';
  }

  @Get('events')
  async events() {
    this.logger.debug('events start');
    await sleep(250);
    return 'ok';
  }

  @Get('slow-after-error')
  async slowAfterError() {
    this.logger.error('cache down');
    await sleep(250);
    return 'ok';
  }

  @Get('error-then-mark')
  errorThenMark() {
    this.logger.error('payment retried');
    this.logger.debug('retry succeeded');
    this.buffer.markForIncident('double charge?');
    return 'ok';
  }

  @Get('fast')
  fast() {
    this.logger.debug('fast');
    return 'ok';
  }

  /** A job whose promise rejects; says whether the caller got the same error, and what was written before it did. */
  @Get('job')
  async job() {
    const error = new PaymentError('card declined');
    const before = target.incidents.length;
    try {
      await this.buffer.run(
        async () => {
          this.logger.debug('charging card');
          await sleep(5);
          throw error;
        },
        { id: 'job-7', url: 'job-7' },
      );
    } catch (caught) {
      return { same: caught === error, writtenBefore: target.incidents.length - before };
    }
    return { same: false, resolved: true };
  }

  @Get('mark')
  mark() {
    this.logger.debug('cart has 3 items');
    this.buffer.markForIncident('stock mismatch for sku 9');
    return 'ok';
  }

  /** Marked, then slow: the client gives up before the response. */
  @Get('abandoned')
  async abandoned() {
    this.logger.debug('waiting for the warehouse');
    this.buffer.markForIncident('warehouse slow');
    await sleep(500);
    return 'ok';
  }

  @Get('healthy')
  healthy() {
    this.logger.debug('all fine');
    return 'ok';
  }

  @Get('silent')
  silent() {
    return 'ok';
  }
}

function start(platform: (typeof PLATFORMS)[number], options: IncidentLoggerModuleOptions = {}): Promise<PolicyApp> {
  return startPolicyApp(platform, { targets: [target], ...options }, [OutcomeController]);
}

/** Waits until `count` incidents were written, then a little longer, and returns them: exactly `count`. */
async function written(count: number): Promise<Incident[]> {
  await until(() => target.incidents.length >= count, `${count} incident(s)`);
  await sleep(QUIET_MS);
  expect(target.incidents).toHaveLength(count);
  return target.incidents;
}

/** Nothing at all is written for the request just made (the scope has ended by then). */
async function nothingWritten(): Promise<void> {
  await sleep(QUIET_MS);
  expect(target.incidents).toEqual([]);
}

const shape = (records: IncidentRecord[]) => records.map((r) => [r.level, r.context, r.message]);

describe.each(PLATFORMS)('outcome incidents on %s (default outcome options)', (platform) => {
  let t: PolicyApp;
  beforeAll(async () => {
    t = await start(platform);
  });
  afterAll(() => t.close());
  beforeEach(() => target.incidents.splice(0));

  it('a silent InternalServerErrorException writes one status incident: the window, then a synthetic trigger with the exception', async () => {
    expect((await get(t, '/ise', 'ise-1')).status).toBe(500);
    const [incident] = await written(1);
    expect(incident.reason).toBe('status');
    expect(incident.scope).toBe('request');
    expect(incident.request).toEqual({ id: 'ise-1', kind: 'http', method: 'GET', url: '/ise' });
    expect(incident.outcome?.status).toBe(500);
    expect(typeof incident.outcome?.durationMs).toBe('number');
    expect(incident.outcome?.aborted).not.toBe(true);
    expect(shape(incident.records.slice(0, 2))).toEqual([
      ['debug', 'Orders', 'loading order 7'],
      ['debug', 'Orders', 'calling payment'],
    ]);
    expect(incident.records).toHaveLength(3);
    const trigger = incident.records[2];
    expect(incident.trigger).toBe(trigger);
    expect(trigger.context).toBe('IncidentOutcome');
    expect(trigger.level).toBe('error');
    expect(trigger.message).toMatch(new RegExp(`^GET /ise -> 500 in ${MS}: InternalServerErrorException: payment backend down$`));
    expect(trigger.stack).toMatch(/^InternalServerErrorException: payment backend down\n\s+at /);
    expect(trigger.data?.name).toBe('InternalServerErrorException');
    expect(incident.fingerprint).toMatch(/^[0-9a-f]{12}$/);
  });

  it('markForIncident after an incident: the marked one is still written, and names the first as previous', async () => {
    expect((await get(t, '/error-then-mark')).status).toBe(200);
    const [first, marked] = await written(2);
    expect([first.reason, marked.reason]).toEqual(['level', 'marked']);
    expect(marked.previous).toBe(first.id);
    expect(shape(marked.records)).toEqual([
      ['debug', 'Orders', 'retry succeeded'],
      ['warn', 'IncidentOutcome', expect.stringMatching(new RegExp(`^GET /error-then-mark -> 200 in ${MS}, marked: double charge\\?$`))],
    ]);
  });

  it('a silent 500 from a handler that logged nothing writes the synthetic trigger alone', async () => {
    expect((await get(t, '/ise-bare', 'bare-1')).status).toBe(500);
    const [incident] = await written(1);
    expect(incident.reason).toBe('status');
    expect(incident.outcome?.status).toBe(500);
    expect(shape(incident.records)).toEqual([
      [
        'error',
        'IncidentOutcome',
        expect.stringMatching(new RegExp(`^GET /ise-bare -> 500 in ${MS}: InternalServerErrorException: nobody logged this$`)),
      ],
    ]);
    expect(incident.trigger).toBe(incident.records[0]);
  });

  it('a 503 set without throwing writes a status incident whose trigger names no exception', async () => {
    expect((await get(t, '/unavailable', 'busy-1')).status).toBe(503);
    const [incident] = await written(1);
    expect(incident.reason).toBe('status');
    expect(incident.outcome?.status).toBe(503);
    expect(typeof incident.outcome?.durationMs).toBe('number');
    expect(shape(incident.records)).toEqual([
      ['debug', 'Orders', 'queue full'],
      ['error', 'IncidentOutcome', expect.stringMatching(new RegExp(`^GET /unavailable -> 503 in ${MS}$`))],
    ]);
    expect(incident.trigger).toBe(incident.records[1]);
    expect(incident.trigger?.stack).toBeUndefined();
    expect(incident.trigger?.data?.name).toBeUndefined();
  });

  it("an unhandled Error: Nest's ExceptionsHandler triggers one level incident, and no status incident follows", async () => {
    expect((await get(t, '/throw')).status).toBe(500);
    const incidents = await written(1);
    expect(incidents.map((i) => i.reason)).toEqual(['level']);
    expect(incidents[0].records.map((r) => r.message)).toEqual(['about to throw', 'unhandled boom']);
    expect(incidents[0].trigger?.context).toBe('ExceptionsHandler');
  });

  it('a 500 after an error was logged in the same request writes that level incident only', async () => {
    expect((await get(t, '/error-then-ise')).status).toBe(500);
    const incidents = await written(1);
    expect(incidents.map((i) => [i.reason, i.records.map((r) => r.message)])).toEqual([['level', ['database down']]]);
  });

  it('an incident written after the request ended carries its outcome', async () => {
    expect((await get(t, '/late', 'late-1')).status).toBe(200);
    const [incident] = await written(1);
    expect(incident.reason).toBe('level');
    expect(incident.records.map((r) => r.message)).toEqual(['scheduling a retry', 'retry failed after the response']);
    expect(incident.outcome?.status).toBe(200);
    expect(typeof incident.outcome?.durationMs).toBe('number');
  });

  it('a thrown NotFoundException (404) writes nothing', async () => {
    expect((await get(t, '/missing')).status).toBe(404);
    await nothingWritten();
  });

  it('a slow request writes nothing when slowMs is not set (off by default)', async () => {
    expect((await get(t, '/slow')).status).toBe(200);
    await nothingWritten();
  });

  it('a healthy request writes nothing (sampleRate 0 by default)', async () => {
    expect((await get(t, '/healthy')).status).toBe(200);
    await nothingWritten();
  });

  it('a run() whose promise rejects writes a rejected incident before the caller gets the same error', async () => {
    const { status, body } = await get(t, '/job', 'http-job');
    expect(status).toBe(200);
    // Written before the rejection reached the caller; the caller got the very error thrown.
    expect(JSON.parse(body)).toEqual({ same: true, writtenBefore: 1 });
    const [incident] = await written(1);
    expect(incident.reason).toBe('rejected');
    expect(incident.scope).toBe('request');
    // Opened inside the request: linked to it, its own window.
    expect(incident.request).toEqual({ id: 'job-7', kind: 'run', method: 'RUN', url: 'job-7', parentId: 'http-job' });
    expect(incident.outcome?.status).toBeUndefined();
    expect(typeof incident.outcome?.durationMs).toBe('number');
    expect(shape(incident.records)).toEqual([
      ['debug', 'Orders', 'charging card'],
      ['error', 'IncidentOutcome', expect.stringMatching(new RegExp(`^RUN job-7 rejected after ${MS}: PaymentError: card declined$`))],
    ]);
    expect(incident.trigger).toBe(incident.records[1]);
    expect(incident.trigger?.stack).toMatch(/^PaymentError: card declined\n\s+at /);
    expect(incident.trigger?.data?.name).toBe('PaymentError');
  });

  it('markForIncident(note) in a request that returns 200 writes a marked incident when the response ends', async () => {
    expect((await get(t, '/mark', 'mark-1')).status).toBe(200);
    const [incident] = await written(1);
    expect(incident.reason).toBe('marked');
    expect(incident.request).toEqual({ id: 'mark-1', kind: 'http', method: 'GET', url: '/mark' });
    expect(incident.outcome?.status).toBe(200);
    expect(typeof incident.outcome?.durationMs).toBe('number');
    expect(shape(incident.records)).toEqual([
      ['debug', 'Orders', 'cart has 3 items'],
      ['warn', 'IncidentOutcome', expect.stringMatching(new RegExp(`^GET /mark -> 200 in ${MS}, marked: stock mismatch for sku 9$`))],
    ]);
    expect(incident.trigger).toBe(incident.records[1]);
  });
});

describe.each(PLATFORMS)('slow requests on %s', (platform) => {
  let t: PolicyApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  beforeEach(() => target.incidents.splice(0));

  it('outcome.slowMs 150: a 250 ms request writes a slow incident (warn trigger); a fast one nothing', async () => {
    t = await start(platform, { outcome: { slowMs: 150 } });
    expect((await get(t, '/fast')).status).toBe(200);
    await nothingWritten();

    expect((await get(t, '/slow', 'slow-1')).status).toBe(200);
    const [incident] = await written(1);
    expect(incident.reason).toBe('slow');
    expect(incident.request).toEqual({ id: 'slow-1', kind: 'http', method: 'GET', url: '/slow' });
    expect(incident.outcome?.status).toBe(200);
    // It was judged slow, so the duration it was judged on is at least slowMs.
    expect(incident.outcome?.durationMs).toBeGreaterThanOrEqual(150);
    expect(shape(incident.records)).toEqual([
      ['debug', 'Orders', 'slow start'],
      ['debug', 'Orders', 'slow end'],
      ['warn', 'IncidentOutcome', expect.stringMatching(new RegExp(`^GET /slow -> 200 in ${MS}, slower than 150 ms$`))],
    ]);
    expect(incident.trigger).toBe(incident.records[2]);
  });

  it('outcome.slowMs 150: a slow request that already wrote an incident writes no second one', async () => {
    t = await start(platform, { outcome: { slowMs: 150 } });
    expect((await get(t, '/slow-after-error')).status).toBe(200);
    const incidents = await written(1);
    expect(incidents.map((i) => [i.reason, i.records.map((r) => r.message)])).toEqual([['level', ['cache down']]]);
  });

  it('outcome.slow can exclude a route (server-sent events are always slow)', async () => {
    const seen: Array<[number, string]> = [];
    t = await start(platform, {
      outcome: {
        slow: (ms, request) => {
          seen.push([ms, request.url]);
          return ms >= 150 && !request.url.startsWith('/events');
        },
      },
    });
    expect((await get(t, '/events')).status).toBe(200);
    await nothingWritten();
    expect(seen.map(([, url]) => url)).toEqual(['/events']);
    expect(seen[0][0]).toBeGreaterThanOrEqual(150);

    expect((await get(t, '/slow')).status).toBe(200);
    const [incident] = await written(1);
    expect(incident.reason).toBe('slow');
    expect(incident.records.map((r) => r.message).slice(0, 2)).toEqual(['slow start', 'slow end']);
    expect(incident.trigger?.context).toBe('IncidentOutcome');
    expect(incident.trigger?.level).toBe('warn');
    expect(incident.trigger?.message.startsWith('GET /slow -> 200 in ')).toBe(true);
  });
});

describe.each(PLATFORMS)('outcome options on %s', (platform) => {
  let t: PolicyApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  beforeEach(() => target.incidents.splice(0));

  it('outcome.rejected false: a rejected run() writes nothing, and the caller still gets the same error', async () => {
    t = await start(platform, { outcome: { rejected: false } });
    const { body } = await get(t, '/job');
    expect(JSON.parse(body)).toEqual({ same: true, writtenBefore: 0 });
    await nothingWritten();
  });

  it('outcome.sampleRate 1: a healthy request with records writes a sampled incident; one without records nothing', async () => {
    t = await start(platform, { outcome: { sampleRate: 1 } });
    expect((await get(t, '/healthy', 'healthy-1')).status).toBe(200);
    const [incident] = await written(1);
    expect(incident.reason).toBe('sampled');
    expect(incident.request).toEqual({ id: 'healthy-1', kind: 'http', method: 'GET', url: '/healthy' });
    expect(incident.outcome?.status).toBe(200);
    expect(typeof incident.outcome?.durationMs).toBe('number');
    // Only outcome incidents for a failure (status, slow, rejected, marked) get a synthetic trigger.
    expect(shape(incident.records)).toEqual([['debug', 'Orders', 'all fine']]);

    target.incidents.splice(0);
    expect((await get(t, '/silent')).status).toBe(200);
    await nothingWritten();
  });

  it('outcome.sampleRate 1: a failing request is still written once, as a status incident, not also sampled', async () => {
    t = await start(platform, { outcome: { sampleRate: 1 } });
    expect((await get(t, '/ise')).status).toBe(500);
    const incidents = await written(1);
    expect(incidents.map((i) => i.reason)).toEqual(['status']);
  });

  it('outcome.status decides which statuses write: (s, req) => s === 404 writes a 404, and no longer a 503', async () => {
    const seen: Array<[number, string]> = [];
    t = await start(platform, {
      outcome: {
        status: (status, request) => {
          seen.push([status, request.url]);
          return status === 404;
        },
      },
    });
    expect((await get(t, '/unavailable')).status).toBe(503);
    await nothingWritten();
    expect((await get(t, '/missing', 'missing-1')).status).toBe(404);
    const [incident] = await written(1);
    expect(incident.reason).toBe('status');
    expect(incident.outcome?.status).toBe(404);
    expect(shape(incident.records)).toEqual([
      ['debug', 'Orders', 'looking up order 9'],
      [
        'error',
        'IncidentOutcome',
        expect.stringMatching(new RegExp(`^GET /missing -> 404 in ${MS}: NotFoundException: order 9 not found$`)),
      ],
    ]);
    expect(seen).toEqual([
      [503, '/unavailable'],
      [404, '/missing'],
    ]);
  });

  it('a client that goes away before the response: the outcome says aborted', async () => {
    t = await start(platform);
    const abandon = abandonable(t, '/abandoned');
    await until(() => t !== undefined && t.buffer.stats().liveScopes === 1, 'the request buffered its first record');
    await abandon();
    const [incident] = await written(1);
    expect(incident.reason).toBe('marked');
    expect(incident.outcome?.aborted).toBe(true);
    expect(typeof incident.outcome?.durationMs).toBe('number');
    expect(incident.records.map((r) => r.message)[0]).toBe('waiting for the warehouse');
  });

  it('outcome false: no status, slow, rejected or sampled incident; a logged error still triggers', async () => {
    t = await start(platform, { outcome: false });
    expect((await get(t, '/ise')).status).toBe(500);
    expect((await get(t, '/unavailable')).status).toBe(503);
    expect(JSON.parse((await get(t, '/job')).body)).toEqual({ same: true, writtenBefore: 0 });
    expect((await get(t, '/healthy')).status).toBe(200);
    await nothingWritten();

    expect((await get(t, '/throw')).status).toBe(500);
    const incidents = await written(1);
    expect(incidents.map((i) => i.reason)).toEqual(['level']);
  });
});
