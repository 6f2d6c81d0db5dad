import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Incident } from '../../lib';
import { OtlpReceiver, runOtlpFixture } from '../utils/otlp-receiver';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

/** Epoch ms → the decimal nanoseconds OTLP/JSON carries. */
const nanos = (ms: number) => (BigInt(ms) * 1_000_000n).toString();

/**
 * request (traceparent) → scope → incident → OpenTelemetryTarget → the real
 * SDK LoggerProvider → the real OTLP/HTTP exporter → a receiver on loopback,
 * decoded and compared with the incident the module wrote.
 */
describe.each(['express', 'fastify'])('OpenTelemetryTarget over OTLP/HTTP from a real Nest app (%s)', (platform) => {
  let receiver: OtlpReceiver;
  let dir: string;

  beforeEach(async () => {
    receiver = await OtlpReceiver.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-otel-'));
  });

  afterEach(async () => {
    await receiver.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(['simple', 'batch'])(
    'exports each record with its severity, time, body, attributes, trace, resource and scope (%s processor)',
    async (processor) => {
      const child = await runOtlpFixture([platform, receiver.url, path.join(dir, 'incidents.jsonl'), processor, 'request']);
      expect(child.stderr).toBe('');
      expect(child.status).toBe(0);
      const incident = (JSON.parse(child.stdout) as Incident[]).find((candidate) => candidate.trigger?.message.includes('card declined'))!;
      expect(incident.records).toHaveLength(5);

      const received = receiver.records.filter((record) => record.attributes['incident.id'] === incident.id);
      expect(receiver.contentTypes.every((type) => type === 'application/json')).toBe(true);
      expect(received.map((record) => [record.severityNumber, record.severityText, record.body])).toEqual([
        [1, 'TRACE', 'loading order 42'],
        [5, 'DEBUG', 'calling the payment service'],
        [9, 'INFO', 'payment answered'],
        [13, 'WARN', 'payment slow'],
        [17, 'ERROR', incident.trigger!.message],
      ]);
      // The time of each log call, not of the export: OTLP's nanoseconds are the record's milliseconds.
      expect(received.map((record) => record.timeUnixNano)).toEqual(incident.records.map((record) => nanos(record.timestamp)));
      for (const record of received) {
        expect(record).toMatchObject({ traceId: TRACE, spanId: SPAN, scope: { name: 'nestjs-incident-logger' } });
        expect(record.resource).toMatchObject({ 'service.name': 'orders', 'service.instance.id': 'orders-1' });
        expect(record.attributes).toMatchObject({
          'incident.id': incident.id,
          'incident.reason': 'level',
          'incident.scope': 'request',
          'incident.request.id': incident.request!.id,
          'incident.request.kind': 'http',
          'incident.record.context': 'OrdersController',
          'http.request.method': 'GET',
          'url.path': '/orders/pay',
          'url.query': 'coupon=x',
          'incident.fingerprint': incident.fingerprint!,
        });
      }
      expect(received.slice(0, 4).map((record) => record.attributes['exception.type'])).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
      expect(received[4].attributes).toMatchObject({
        'incident.trigger': true,
        'exception.type': 'PaymentDeclined',
        'exception.message': 'card declined',
        'exception.stacktrace': incident.trigger!.stack!,
      });
      expect(String(received[4].attributes['exception.stacktrace'])).toContain('PaymentDeclined: card declined');
    },
  );

  it("level: 'trigger' sends the whole window at the trigger's severity", async () => {
    const child = await runOtlpFixture([platform, receiver.url, path.join(dir, 'incidents.jsonl'), 'simple', 'request', 'trigger']);
    expect(child.status).toBe(0);
    const incident = (JSON.parse(child.stdout) as Incident[]).find((candidate) => candidate.trigger?.message.includes('card declined'))!;
    const received = receiver.records.filter((record) => record.attributes['incident.id'] === incident.id);
    expect(received.map((record) => [record.severityNumber, record.severityText, record.body])).toEqual(
      incident.records.map((record) => [17, 'ERROR', record.message]),
    );
  });
});
