import { Controller, Get, Logger, Module } from '@nestjs/common';
import { context, propagation, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { formatIncident, IncidentBuffer, IncidentLoggerModule, type IncidentLoggerModuleOptions } from '../../lib';
import { MemoryTarget } from '../utils/memory.target';
import { PLATFORMS, startApp, TestApp } from '../utils/test-app';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE}-${SPAN}-01`;

@Controller()
class TraceController {
  private readonly logger = new Logger('TraceController');

  constructor(private readonly buffer: IncidentBuffer) {}

  @Get('fail')
  fail() {
    this.logger.debug('before the failure');
    this.logger.error('failed');
    return 'ok';
  }

  @Get('job')
  async job() {
    this.logger.debug('starting a job');
    // A unit of work opened inside the request: its own window, the request's trace.
    await this.buffer.run(async () => {
      this.logger.debug('job step');
      this.logger.error('job failed');
    });
    return 'ok';
  }
}

function appModule(target: MemoryTarget, options: IncidentLoggerModuleOptions = {}) {
  @Module({
    imports: [IncidentLoggerModule.forRoot({ targets: [target], startupNotice: false, ...options })],
    controllers: [TraceController],
  })
  class AppModule {}
  return AppModule;
}

describe.each(PLATFORMS)('trace context of a request scope (%s)', (platform) => {
  let target: MemoryTarget;
  let app: TestApp | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function boot(options?: IncidentLoggerModuleOptions): Promise<TestApp> {
    target = new MemoryTarget();
    app = await startApp(appModule(target, options), platform);
    return app;
  }

  it('carries the traceparent header of the request as traceId/spanId, in both formats', async () => {
    const { url } = await boot();
    await fetch(`${url}/fail`, { headers: { traceparent: TRACEPARENT } });
    const incident = target.incidents.find((candidate) => candidate.trigger?.message === 'failed')!;
    expect(incident).toMatchObject({ traceId: TRACE, spanId: SPAN });
    expect(formatIncident(incident, 'text', false)).toContain(`trace=${TRACE}/${SPAN}`);
    expect(JSON.parse(formatIncident(incident, 'json').split('\n')[0])).toMatchObject({ traceId: TRACE, spanId: SPAN });
  });

  it('carries nothing for a request without a header, or with an invalid one', async () => {
    const { url } = await boot();
    await fetch(`${url}/fail`);
    await fetch(`${url}/fail`, { headers: { traceparent: `00-${TRACE.toUpperCase()}-${SPAN}-01` } });
    const failures = target.incidents.filter((candidate) => candidate.trigger?.message === 'failed');
    expect(failures).toHaveLength(2);
    for (const incident of failures) {
      expect(incident.traceId).toBeUndefined();
      expect(incident.spanId).toBeUndefined();
      expect(formatIncident(incident, 'text', false)).not.toContain('trace=');
    }
  });

  it('gives a unit of work opened in the request the request trace', async () => {
    const { url } = await boot();
    await fetch(`${url}/job`, { headers: { traceparent: TRACEPARENT } });
    const job = target.incidents.find((candidate) => candidate.trigger?.message === 'job failed')!;
    expect(job.request?.kind).toBe('run');
    expect(job).toMatchObject({ traceId: TRACE, spanId: SPAN });
  });

  it('reads nothing with traceContext: false', async () => {
    const { url } = await boot({ traceContext: false });
    await fetch(`${url}/job`, { headers: { traceparent: TRACEPARENT } });
    expect(target.incidents.length).toBeGreaterThan(0);
    for (const incident of target.incidents) expect(incident.traceId).toBeUndefined();
  });
});

describe('trace context from the active OpenTelemetry span (real SDK)', () => {
  const provider = new NodeTracerProvider();
  let app: TestApp | undefined;

  beforeAll(() => provider.register());

  afterAll(async () => {
    await app?.close();
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('gives a run() scope the span active where it opened', async () => {
    const target = new MemoryTarget();
    app = await startApp(appModule(target), 'express');
    const buffer = app.app.get(IncidentBuffer);
    const logger = new Logger('Worker');
    const span = await trace.getTracer('test').startActiveSpan('nightly', async (active) => {
      await buffer.run(async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        logger.debug('step');
        logger.error('nightly failed');
      });
      active.end();
      return active.spanContext();
    });
    const incident = target.incidents.find((candidate) => candidate.trigger?.message === 'nightly failed')!;
    expect(incident).toMatchObject({ traceId: span.traceId, spanId: span.spanId });
    expect(incident.traceId).toMatch(/^[0-9a-f]{32}$/);
  });
});
