import * as path from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { runFixture } from '../utils/run-fixture';

const FIXTURE = path.join(__dirname, '../fixtures/opentelemetry-active-span.fixture.ts');
const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

interface Report {
  incidents: Array<{ traceId?: string; spanId?: string }>;
  spans: Array<{ name: string; kind: number; traceId: string; spanId: string; parentSpanId?: string }>;
}

/**
 * The active-span path on a real server: @opentelemetry/instrumentation-http
 * starts the server span around the request, the scope reads it when it
 * opens, and the incident carries that span (exported by the real SDK), not
 * the caller's span of the `traceparent` header. A child process: the
 * instrumentation must patch `http` before Nest loads it.
 */
describe.each(['express', 'fastify'])('incident trace = the HTTP server span of @opentelemetry/instrumentation-http (%s)', (platform) => {
  it('carries the server span, child of the caller span of the traceparent header', () => {
    const child = runFixture(FIXTURE, [platform]);
    expect(child.stderr).not.toMatch(/Error/);
    expect(child.status).toBe(0);
    const report = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Report;
    const server = report.spans.filter((span) => span.kind === SpanKind.SERVER);
    expect(server).toHaveLength(1);
    expect(server[0]).toMatchObject({ traceId: CALLER_TRACE, parentSpanId: CALLER_SPAN });
    expect(report.incidents).toEqual([{ traceId: server[0].traceId, spanId: server[0].spanId }]);
    expect(report.incidents[0].spanId).not.toBe(CALLER_SPAN);
  });
});
