import diagnosticsChannel from 'node:diagnostics_channel';
import type { IncidentLoggerModuleOptions } from '../../lib';
import { mergeLinks } from '../../lib/engine/scope-links';
import { incidentIdFrom } from '../../lib/links/outgoing-call';
import { nodeRequestHeaders, undiciRequestHeaders, undiciResponseHeader } from '../../lib/links/client-requests';
import { CHANNELS, OutgoingCalls } from '../../lib/links/outgoing-calls';
import { resolveOptions } from '../../lib/options/resolve-options';

const resolve = (options: unknown) => () => resolveOptions(options as IncidentLoggerModuleOptions);

describe('incidentLinks option', () => {
  it('is on by default: x-incident-id, 5xx marks, propagation', () => {
    const links = resolveOptions({}).incidentLinks!;
    expect(links.header).toBe('x-incident-id');
    expect(links.propagate).toBe(true);
    expect([links.downstream!(500), links.downstream!(503), links.downstream!(499), links.downstream!(404)]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it('false turns it off; header: false and downstream: false each turn one part off', () => {
    expect(resolveOptions({ incidentLinks: false }).incidentLinks).toBeUndefined();
    expect(resolveOptions({ incidentLinks: { header: false } }).incidentLinks).toMatchObject({ header: undefined, propagate: true });
    expect(resolveOptions({ incidentLinks: { downstream: false } }).incidentLinks?.downstream).toBeUndefined();
    expect(
      resolveOptions({ incidentLinks: { header: 'X-Failure-Ref', propagate: 'false' as unknown as boolean } }).incidentLinks,
    ).toMatchObject({
      header: 'x-failure-ref',
      propagate: false,
    });
  });

  it.each([
    [{ incidentLinks: true }, 'incidentLinks must be an object; got true (boolean)'],
    [{ incidentLinks: { header: 'x incident' } }, 'incidentLinks.header must be a header name or false; got "x incident" (string)'],
    [{ incidentLinks: { header: true } }, 'incidentLinks.header must be a header name or false; got true (boolean)'],
    [
      { incidentLinks: { header: 'X-Request-Id' } },
      `incidentLinks.header must be a header name other than requestIdHeader ('x-request-id') and traceparent; got "X-Request-Id" (string)`,
    ],
    [
      { requestIdHeader: 'x-correlation-id', incidentLinks: { header: 'x-correlation-id' } },
      `incidentLinks.header must be a header name other than requestIdHeader ('x-correlation-id') and traceparent; got "x-correlation-id" (string)`,
    ],
    [{ incidentLinks: { downstream: 500 } }, 'incidentLinks.downstream must be a function or false; got 500 (number)'],
    [{ incidentLinks: { propagate: 'yes' } }, 'incidentLinks.propagate must be a boolean; got "yes" (string)'],
    [{ incidentLinks: { headers: 'x' } }, 'incidentLinks.headers is not an option; did you mean incidentLinks.header?'],
    [{ incidentLink: {} }, 'incidentLink is not an option; did you mean incidentLinks?'],
  ])('rejects %j', (options, message) => {
    expect(resolve(options)).toThrow(`IncidentLoggerModule: ${message}`);
  });
});

describe('links of an incident', () => {
  it('keeps its own links first, adds remote ids once each', () => {
    expect(mergeLinks(['told'], ['b1', 'told', 'b1', 'b2'])).toEqual(['told', 'b1', 'b2']);
    expect(mergeLinks(undefined, ['b1'])).toEqual(['b1']);
  });

  it('remote incident ids from a header: the first of a list, safe characters only, bounded', () => {
    expect(incidentIdFrom('1f0c2d3e-aaaa-bbbb-cccc-1234567890ab')).toBe('1f0c2d3e-aaaa-bbbb-cccc-1234567890ab');
    expect(incidentIdFrom('a1, b2')).toBe('a1');
    expect(incidentIdFrom(['a1', 'b2'])).toBe('a1');
    expect(incidentIdFrom('evil\nINJECTED line')).toBeUndefined();
    expect(incidentIdFrom('x'.repeat(129))).toBeUndefined();
    // A URL or an address in the header of a third-party API is not an incident id.
    expect(incidentIdFrom('https://status.example.com/incidents/42')).toBeUndefined();
    expect(incidentIdFrom('ops@example.com')).toBeUndefined();
    expect(incidentIdFrom('01JD3Q7Z6K8X9.v2_a')).toBe('01JD3Q7Z6K8X9.v2_a');
    expect(incidentIdFrom(undefined)).toBeUndefined();
    expect(incidentIdFrom(42)).toBeUndefined();
  });

  it('reads the header of an undici response (raw Buffers, any case), and nothing from other shapes', () => {
    const raw = [Buffer.from('Content-Type'), Buffer.from('text/plain'), Buffer.from('X-Incident-Id'), Buffer.from('abc')];
    expect(undiciResponseHeader(raw, 'x-incident-id')).toBe('abc');
    expect(undiciResponseHeader(['x-incident-id', 'def'], 'x-incident-id')).toBe('def');
    expect(undiciResponseHeader(raw, 'x-other')).toBeUndefined();
    expect(undiciResponseHeader({ 'x-incident-id': 'abc' }, 'x-incident-id')).toBeUndefined();
  });
});

describe('outgoing request headers', () => {
  it('undici: sees a header the call sets (array or string form) in any case, adds one with addHeader', () => {
    const added: string[] = [];
    const request = { headers: ['Accept', '*/*', 'TraceParent', 'x'], addHeader: (name: string, value: string) => added.push(name, value) };
    const headers = undiciRequestHeaders(request);
    expect(headers.has('traceparent')).toBe(true);
    expect(headers.has('x-request-id')).toBe(false);
    expect(headers.add('x-request-id', 'r1')).toBe(true);
    expect(added).toEqual(['x-request-id', 'r1']);
    expect(undiciRequestHeaders({ headers: 'host: a\r\nX-Request-Id: r0\r\n' }).has('x-request-id')).toBe(true);
    expect(undiciRequestHeaders({ headers: 'host: a\r\n' }).add('x-request-id', 'r')).toBe(false);
  });

  it('node:http: adds nothing once the headers are sent', () => {
    const set: string[] = [];
    const request = { headersSent: true, getHeader: () => undefined, setHeader: (name: string) => set.push(name) };
    expect(nodeRequestHeaders(request).add('x-request-id', 'r')).toBe(false);
    expect(set).toEqual([]);
  });
});

describe('OutgoingCalls on the diagnostics channels', () => {
  const scope = { name: 'the calling scope' };
  let observer: OutgoingCalls<typeof scope> | undefined;
  afterEach(() => observer?.unsubscribe());

  function observe(current: () => object | undefined, options = { header: 'x-incident-id', downstream: (s: number) => s >= 500 }) {
    const failed: unknown[] = [];
    const reported: unknown[] = [];
    const started: unknown[] = [];
    observer = new OutgoingCalls<typeof scope>(options, {
      scope: current as () => typeof scope | undefined,
      started: (_scope, headers) => started.push(headers.has('traceparent')),
      failed: (_scope, call) => failed.push(call),
      report: (error) => reported.push(error),
    });
    observer.subscribe();
    return { failed, reported, started };
  }

  const undiciRequest = () => ({ method: 'GET', origin: 'http://b:4001', path: '/orders/7', headers: [] as string[], addHeader() {} });

  it('undici: a 503 and a 200 naming an incident mark; a 404 does not', () => {
    const { failed } = observe(() => scope);
    for (const [status, headers] of [
      [503, []],
      [200, [Buffer.from('x-incident-id'), Buffer.from('remote-1')]],
      [404, []],
    ] as const) {
      const request = undiciRequest();
      diagnosticsChannel.channel(CHANNELS.undiciCreate).publish({ request });
      diagnosticsChannel.channel(CHANNELS.undiciHeaders).publish({ request, response: { statusCode: status, headers } });
    }
    expect(failed).toEqual([
      { method: 'GET', url: 'http://b:4001/orders/7', status: 503, incidentId: undefined },
      { method: 'GET', url: 'http://b:4001/orders/7', status: 200, incidentId: 'remote-1' },
    ]);
  });

  it('a call made outside a scope of this engine is neither changed nor observed', () => {
    const { failed, started } = observe(() => undefined);
    const request = undiciRequest();
    diagnosticsChannel.channel(CHANNELS.undiciCreate).publish({ request });
    diagnosticsChannel.channel(CHANNELS.undiciHeaders).publish({ request, response: { statusCode: 503, headers: [] } });
    expect([failed, started]).toEqual([[], []]);
  });

  it('Node 20 (no http.client.request.created): the call is seen at start, nothing propagated, its 5xx still marks', () => {
    // Run in a fresh module registry: the "created was seen" flag of this file's module is untouched.
    jest.isolateModules(() => {
      const isolated = require('../../lib/links/outgoing-calls') as typeof import('../../lib/links/outgoing-calls');
      const failed: unknown[] = [];
      const started: unknown[] = [];
      const calls = new isolated.OutgoingCalls<typeof scope>(
        { header: 'x-incident-id', downstream: (s) => s >= 500 },
        { scope: () => scope, started: () => started.push(1), failed: (_s, call) => failed.push(call), report: () => undefined },
      );
      calls.subscribe();
      try {
        const request = { method: 'POST', protocol: 'http:', path: '/pay', headersSent: true, getHeader: () => 'b:4001', setHeader() {} };
        diagnosticsChannel.channel(CHANNELS.httpStart).publish({ request });
        diagnosticsChannel.channel(CHANNELS.httpResponse).publish({ request, response: { statusCode: 502, headers: {} } });
        expect(started).toEqual([]);
        expect(failed).toEqual([{ method: 'POST', url: 'http://b:4001/pay', status: 502, incidentId: undefined }]);
      } finally {
        calls.unsubscribe();
      }
    });
  });

  it('never throws into the caller: a throwing hook or downstream predicate is reported', () => {
    const { reported } = observe(() => scope, {
      header: 'x-incident-id',
      downstream: () => {
        throw new Error('predicate broke');
      },
    });
    const request = undiciRequest();
    expect(() => diagnosticsChannel.channel(CHANNELS.undiciCreate).publish({ request })).not.toThrow();
    expect(() =>
      diagnosticsChannel.channel(CHANNELS.undiciHeaders).publish({ request, response: { statusCode: 500, headers: [] } }),
    ).not.toThrow();
    expect(reported).toEqual([new Error('predicate broke')]);
  });

  it('unsubscribes at stop: nothing is observed after', () => {
    const { failed } = observe(() => scope);
    observer!.unsubscribe();
    const request = undiciRequest();
    diagnosticsChannel.channel(CHANNELS.undiciCreate).publish({ request });
    diagnosticsChannel.channel(CHANNELS.undiciHeaders).publish({ request, response: { statusCode: 503, headers: [] } });
    expect(failed).toEqual([]);
  });
});
