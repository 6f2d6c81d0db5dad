import { context, trace } from '@opentelemetry/api';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Incident, IncidentRecord } from '../../lib';
import { OpenTelemetryTarget } from '../../lib';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const record = (level: IncidentRecord['level'], message: string, extra: Partial<IncidentRecord> = {}): IncidentRecord => ({
  level,
  timestamp: 1_700_000_000_123,
  message,
  ...extra,
});

function incident(records: IncidentRecord[], extra: Partial<Incident> = {}): Incident {
  return { id: 'inc-1', reason: 'level', scope: 'request', dropped: 0, records, trigger: records.at(-1), ...extra };
}

describe('OpenTelemetryTarget mapping (real SDK LoggerProvider, in-memory exporter)', () => {
  let exporter: InMemoryLogRecordExporter;
  let provider: LoggerProvider;

  beforeEach(() => {
    exporter = new InMemoryLogRecordExporter();
    provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
  });
  afterEach(() => provider.shutdown());

  it('maps each Nest level to its OpenTelemetry severity number and text', () => {
    const levels = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'] as const;
    new OpenTelemetryTarget({ loggerProvider: provider }).write(incident(levels.map((level) => record(level, level))));
    expect(exporter.getFinishedLogRecords().map((r) => [r.body, r.severityNumber, r.severityText])).toEqual([
      ['verbose', 1, 'TRACE'],
      ['debug', 5, 'DEBUG'],
      ['log', 9, 'INFO'],
      ['warn', 13, 'WARN'],
      ['error', 17, 'ERROR'],
      ['fatal', 21, 'FATAL'],
    ]);
  });

  it('stamps the time of the log call, to the millisecond, not the time of the write', () => {
    new OpenTelemetryTarget({ loggerProvider: provider }).write(incident([record('error', 'x', { timestamp: 1_700_000_000_123 })]));
    const [exported] = exporter.getFinishedLogRecords();
    expect(exported.hrTime).toEqual([1_700_000_000, 123_000_000]);
    expect(exported.hrTimeObserved[0]).toBeGreaterThan(1_700_000_000);
  });

  it('gives the records the scope span as a remote parent, and none when the incident has no trace even inside an active span', () => {
    const tracing = new NodeTracerProvider();
    tracing.register();
    try {
      const target = new OpenTelemetryTarget({ loggerProvider: provider });
      target.write(incident([record('error', 'traced')], { traceId: TRACE, spanId: SPAN }));
      trace.getTracer('t').startActiveSpan('unrelated request', (span) => {
        target.write(incident([record('error', 'untraced')]));
        span.end();
      });
      const [traced, untraced] = exporter.getFinishedLogRecords();
      expect(traced.spanContext).toEqual({ traceId: TRACE, spanId: SPAN, traceFlags: 1, isRemote: true });
      expect(untraced.spanContext).toBeUndefined();
    } finally {
      trace.disable();
      context.disable();
    }
  });

  it("level: 'trigger' gives every record the trigger's severity; without a trigger each keeps its own", () => {
    const target = new OpenTelemetryTarget({ loggerProvider: provider, level: 'trigger' });
    target.write(incident([record('debug', 'a'), record('fatal', 'b')]));
    target.write(incident([record('debug', 'c'), record('warn', 'd')], { reason: 'manual', trigger: undefined }));
    expect(exporter.getFinishedLogRecords().map((r) => r.severityText)).toEqual(['FATAL', 'FATAL', 'DEBUG', 'WARN']);
  });

  it('puts the exception conventions on records with a stack, the incident and request on every record', () => {
    const target = new OpenTelemetryTarget({
      loggerProvider: provider,
      name: 'orders',
      version: '1.2.3',
      attributes: { team: 'pay', 'incident.id': 'x' },
    });
    target.write(
      incident(
        [
          record('debug', 'step', { context: 'Worker' }),
          record('error', 'Failed to charge', { stack: 'TypeError: bad card\n    at charge (x.ts:1:1)', data: { code: 'E_CARD' } }),
        ],
        {
          request: { id: 'req-1', kind: 'rpc', method: 'RPC', url: 'orders.charge' },
          previous: 'inc-0',
          links: ['remote-1'],
          fingerprint: 'abc',
          dropped: 3,
          fields: { userId: 7 },
          outcome: { durationMs: 12 },
        },
      ),
    );
    const [step, failure] = exporter.getFinishedLogRecords();
    expect(failure.instrumentationScope).toMatchObject({ name: 'orders', version: '1.2.3' });
    expect(step.attributes).toEqual({
      team: 'pay',
      'incident.id': 'inc-1',
      'incident.reason': 'level',
      'incident.scope': 'request',
      'incident.request.id': 'req-1',
      'incident.request.kind': 'rpc',
      'incident.request.method': 'RPC',
      'incident.request.name': 'orders.charge',
      'incident.duration_ms': 12,
      'incident.previous': 'inc-0',
      'incident.links': ['remote-1'],
      'incident.fingerprint': 'abc',
      'incident.dropped': 3,
      'incident.fields': { userId: 7 },
      'incident.record.context': 'Worker',
    });
    expect(failure.attributes).toMatchObject({
      'incident.trigger': true,
      'incident.record.data': { code: 'E_CARD' },
      'exception.type': 'TypeError',
      'exception.message': 'bad card',
      'exception.stacktrace': 'TypeError: bad card\n    at charge (x.ts:1:1)',
    });
    expect(failure.body).toBe('Failed to charge');
  });

  it('emits a pass-through record at once and skips it when its incident comes', () => {
    const target = new OpenTelemetryTarget({ loggerProvider: provider });
    const passed = record('warn', 'slow');
    target.writeRecord(passed, { id: 'req-1', kind: 'http', method: 'GET', url: '/a' });
    target.write(incident([{ ...passed, passthrough: true }, record('error', 'boom')]));
    expect(exporter.getFinishedLogRecords().map((r) => [r.body, r.attributes['url.path'], r.attributes['incident.id']])).toEqual([
      ['slow', '/a', undefined],
      ['boom', undefined, 'inc-1'],
    ]);
  });

  it("flush() waits for the provider's forceFlush; flushSync() starts it and never throws", async () => {
    let flushes = 0;
    const target = new OpenTelemetryTarget({
      loggerProvider: { getLogger: () => ({ emit: () => undefined }), forceFlush: async () => void flushes++ },
    });
    await target.flush();
    expect(flushes).toBe(1);
    const failing = new OpenTelemetryTarget({
      loggerProvider: { getLogger: () => ({ emit: () => undefined }), forceFlush: () => Promise.reject(new Error('collector down')) },
    });
    expect(() => failing.flushSync()).not.toThrow();
    await expect(failing.flush()).rejects.toThrow('collector down');
  });

  it('uses the global LoggerProvider of @opentelemetry/api-logs by default, registered after the target was made', () => {
    const { logs } = require('@opentelemetry/api-logs');
    const target = new OpenTelemetryTarget();
    logs.setGlobalLoggerProvider(provider);
    try {
      target.write(incident([record('error', 'via the global provider')]));
      expect(exporter.getFinishedLogRecords().map((r) => r.body)).toEqual(['via the global provider']);
    } finally {
      logs.disable();
    }
  });
});

describe('OpenTelemetryTarget options', () => {
  const provider = { getLogger: () => ({ emit: () => undefined }) };

  it.each([
    [{ level: 'all' }, `OpenTelemetryTarget: level must be one of 'record', 'trigger'; got "all" (string)`],
    [{ name: '' }, 'OpenTelemetryTarget: name must be a non-empty string; got "" (string)'],
    [{ version: 3 }, 'OpenTelemetryTarget: version must be a non-empty string; got 3 (number)'],
    [{ loggerProvider: {} }, 'OpenTelemetryTarget: loggerProvider must be a LoggerProvider (an object with getLogger()); got {} (object)'],
    [{ attributes: [] }, 'OpenTelemetryTarget: attributes must be an object; got [] (array)'],
    [{ attributes: { a: {} } }, 'OpenTelemetryTarget: attributes.a must be a string, number or boolean; got {} (object)'],
    [{ levle: 'trigger' }, 'OpenTelemetryTarget: levle is not an option; did you mean level?'],
  ])('%j fails at construction', (options, message) => {
    expect(() => new OpenTelemetryTarget({ loggerProvider: provider, ...(options as object) })).toThrow(message);
  });

  it('names the missing package when @opentelemetry/api-logs is not installed and no loggerProvider is given', () => {
    const missing = (id: string) => {
      throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
    };
    expect(() => new OpenTelemetryTarget({}, { load: missing })).toThrow(
      'OpenTelemetryTarget: @opentelemetry/api-logs is not installed, and no loggerProvider was given; install it (npm install @opentelemetry/api-logs) or pass options.loggerProvider',
    );
    // With a provider, neither peer is needed: records go out without a trace context.
    const emitted: unknown[] = [];
    const target = new OpenTelemetryTarget(
      { loggerProvider: { getLogger: () => ({ emit: (r) => void emitted.push(r) }) } },
      { load: missing },
    );
    target.write(incident([record('error', 'x')], { traceId: TRACE, spanId: SPAN }));
    expect(emitted).toEqual([expect.objectContaining({ body: 'x', context: undefined })]);
  });

  it('shows a peer that is installed but broken instead of calling it missing', () => {
    const broken = () => {
      throw Object.assign(new Error("Cannot find module '@opentelemetry/api'"), { code: 'MODULE_NOT_FOUND' });
    };
    expect(() => new OpenTelemetryTarget({}, { load: broken })).toThrow("Cannot find module '@opentelemetry/api'");
  });
});
