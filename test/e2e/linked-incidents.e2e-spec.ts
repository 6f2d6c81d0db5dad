import type { Incident, IncidentLoggerModuleOptions } from '../../lib';
import { type Client, Failures, serviceAModule, serviceBModule } from '../utils/linked-apps';
import { MemoryTarget } from '../utils/memory.target';
import { PLATFORMS, type Platform, startApp, type TestApp } from '../utils/test-app';
import { until } from '../utils/until';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE}-${SPAN}-01`;
const [MAJOR, MINOR] = process.versions.node.split('.').map(Number);
/** `http.client.request.created` (headers still settable) exists from Node 22.12 and 23.2; Node 20 has only `start`, after the headers. */
const HTTP_PROPAGATES = MAJOR > 22 || (MAJOR === 22 && MINOR >= 12);

// Two real Nest apps in one process, on loopback: A calls B, B fails once,
// A retries, succeeds and logs nothing above debug.
describe.each(PLATFORMS)('linked incidents across two services (%s)', (platform: Platform) => {
  let a: TestApp | undefined;
  let b: TestApp | undefined;
  let targetA: MemoryTarget;
  let targetB: MemoryTarget;
  let failures: Failures;

  afterEach(async () => {
    await a?.close();
    await b?.close();
    a = b = undefined;
  });

  async function boot(options?: IncidentLoggerModuleOptions): Promise<void> {
    targetA = new MemoryTarget();
    targetB = new MemoryTarget();
    failures = new Failures();
    b = await startApp(serviceBModule(targetB, failures, options), platform);
    const urlB = b.url;
    a = await startApp(
      serviceAModule(targetA, () => urlB, options),
      platform,
    );
  }

  it.each<Client>(['fetch', 'http'])("with %s: A's downstream incident links B's, one trace, one request id", async (client) => {
    await boot();
    failures.remaining = 1;
    const response = await fetch(`${a!.url}/checkout/${client}/7`, { headers: { traceparent: TRACEPARENT } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 200, attempt: 2 });
    await until(() => targetA.incidents.length === 1 && targetB.incidents.length === 1, 'one incident in each service');
    const [incidentA] = targetA.incidents;
    const [incidentB] = targetB.incidents;
    // B: its own failure, told by ExceptionsHandler after the 500 that named it.
    expect(incidentB.reason).toBe('level');
    expect(incidentB.trigger?.message).toBe('orders database unavailable');
    // A: recovered and logged nothing above debug, yet wrote its window, linked to B's.
    expect(incidentA.reason).toBe('downstream');
    expect(incidentA.links).toEqual([incidentB.id]);
    expect(response.headers.get('x-incident-id')).toBe(incidentA.id);
    expect(incidentA.records.find((record) => record.context === 'IncidentLinks')?.message).toBe(
      `GET ${b!.url}/orders/7 -> 500 (incident ${incidentB.id})`,
    );
    expect(incidentA.traceId).toBe(TRACE);
    expect(failures.received).toHaveLength(2);
    if (client === 'fetch' || HTTP_PROPAGATES) {
      // Propagated: B's scope runs in A's trace, under A's request id.
      expect(incidentB.traceId).toBe(TRACE);
      expect(incidentB.request?.id).toBe(incidentA.request?.id);
      expect(failures.received.map((call) => call.traceparent)).toEqual([TRACEPARENT, TRACEPARENT]);
    } else {
      // Node 20, node:http: no channel fires before the request's headers are sent (docs/linked-incidents.md).
      expect(failures.received.map((call) => call.traceparent)).toEqual([undefined, undefined]);
      expect(incidentB.request?.id).not.toBe(incidentA.request?.id);
    }
  });

  it('a call that sets its own request id and traceparent keeps them (OpenTelemetry may have set them)', async () => {
    await boot();
    const other = `00-${'1'.repeat(32)}-${'2'.repeat(16)}-00`;
    const { app } = a!;
    // Called from inside A's scope: the ids are the caller's, not replaced.
    const buffer = app.get((await import('../../lib')).IncidentBuffer);
    await buffer.run(async () => {
      await fetch(`${b!.url}/orders/1`, { headers: { 'x-request-id': 'caller-chosen', traceparent: other } });
    });
    expect(failures.received).toEqual([{ url: '/orders/1', requestId: 'caller-chosen', traceparent: other }]);
  });

  it('a call outside any scope is not observed nor changed', async () => {
    await boot();
    failures.remaining = 1;
    const response = await fetch(`${b!.url}/orders/3`);
    expect(response.status).toBe(500);
    expect(failures.received).toEqual([{ url: '/orders/3', requestId: undefined, traceparent: undefined }]);
    await until(() => targetB.incidents.length === 1, "B's incident");
    expect(targetA.incidents).toHaveLength(0);
  });

  it.each<Client>(['fetch', 'http'])(
    'with incidentLinks: false and %s nothing changes: no header, no incident in A, nothing propagated',
    async (client) => {
      await boot({ incidentLinks: false });
      failures.remaining = 1;
      const direct = await fetch(`${b!.url}/orders/1`);
      expect(direct.status).toBe(500);
      expect(direct.headers.get('x-incident-id')).toBeNull();
      failures.remaining = 1;
      const response = await fetch(`${a!.url}/checkout/${client}/7`, { headers: { traceparent: TRACEPARENT } });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-incident-id')).toBeNull();
      await until(() => targetB.incidents.length === 2, "B's two incidents");
      expect(failures.received.slice(1)).toEqual([
        { url: '/orders/7', requestId: undefined, traceparent: undefined },
        { url: '/orders/7', requestId: undefined, traceparent: undefined },
      ]);
      // A recovered and logged nothing at warn: no incident, as before the option existed.
      const quiet = await fetch(`${a!.url}/quiet`);
      expect(quiet.status).toBe(200);
      expect(targetA.incidents).toHaveLength(0);
      expect(targetB.incidents.every((incident: Incident) => incident.links === undefined)).toBe(true);
    },
  );

  it('only the engine that owns the calling scope reacts: B never marks itself for a call A made', async () => {
    await boot();
    failures.remaining = 2;
    await fetch(`${a!.url}/checkout/fetch/9`);
    await until(() => targetA.incidents.length === 1 && targetB.incidents.length === 2, 'the incidents');
    // A's scope made both failed calls: one incident in A (both links), none of reason downstream in B.
    expect(targetA.incidents[0].links).toEqual(targetB.incidents.map((incident) => incident.id));
    expect(targetB.incidents.map((incident) => incident.reason)).toEqual(['level', 'level']);
  });
});
