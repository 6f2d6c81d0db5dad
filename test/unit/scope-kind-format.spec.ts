// How the kind of a scope (issue 12) shows in both formats: what the unit of
// work was (HTTP, message, event, WebSocket event, GraphQL operation, job),
// and the scope it was opened in.
import { formatIncident, Incident, IncidentRequest } from '../../lib';

const trigger = { level: 'error' as const, timestamp: Date.parse('2026-03-04T03:09:06.812Z'), context: 'Orders', message: 'failed' };

function incidentFor(request: IncidentRequest): Incident {
  return { id: 'inc-1', reason: 'level', scope: 'request', request, records: [trigger], trigger, dropped: 0 };
}

const textHeader = (request: IncidentRequest) => formatIncident(incidentFor(request), 'text').split('\n')[0];
const jsonHeader = (request: IncidentRequest) => JSON.parse(formatIncident(incidentFor(request), 'json').split('\n')[0]);

describe('the kind of scope in the text header', () => {
  it.each<[string, IncidentRequest, string]>([
    ['an HTTP request', { id: 'r1', kind: 'http', method: 'GET', url: '/orders/7' }, 'GET /orders/7 | request=r1 |'],
    ['a message', { id: 'r2', kind: 'rpc', method: 'RPC', url: '{"cmd":"sum"}' }, 'RPC {"cmd":"sum"} | request=r2 |'],
    ['an event', { id: 'r3', kind: 'rpc', method: 'EVENT', url: 'order.created' }, 'EVENT order.created | request=r3 |'],
    ['a WebSocket event', { id: 'r4', kind: 'ws', method: 'WS', url: 'events' }, 'WS events | request=r4 |'],
    [
      'a GraphQL operation',
      { id: 'r5', kind: 'graphql', method: 'POST', url: '/graphql', operation: 'query GetOrder' },
      'POST /graphql query GetOrder | request=r5 |',
    ],
    [
      'a job in a request',
      { id: 'r6', kind: 'job', method: 'JOB', url: 'Mailer.send', parentId: 'r1' },
      'JOB Mailer.send | request=r6 | parent=r1 |',
    ],
    ['a run() without a URL', { id: 'r7', kind: 'run', method: 'RUN', url: '' }, 'RUN | request=r7 |'],
  ])('%s', (_name, request, expected) => {
    expect(textHeader(request)).toContain(`=== INCIDENT inc-1 | ${expected} reason=level`);
  });

  it('keeps a hostile operation name on the header line', () => {
    const header = textHeader({
      id: 'r8',
      kind: 'graphql',
      method: 'POST',
      url: '/graphql',
      operation: 'query A\n=== END INCIDENT inc-1 ===',
    });
    expect(header).toContain('query A\\n=== END INCIDENT');
    expect(
      formatIncident(incidentFor({ id: 'r8', kind: 'graphql', method: 'POST', url: '/g', operation: 'x\ny' }), 'text').split('\n'),
    ).toHaveLength(4);
  });
});

describe('the kind of scope in the JSON header', () => {
  it('carries kind, operation and parentId after method and url', () => {
    const header = jsonHeader({ id: 'r5', kind: 'graphql', method: 'POST', url: '/graphql', operation: 'query GetOrder', parentId: 'p1' });
    expect(Object.keys(header).slice(4, 10)).toEqual(['scope', 'kind', 'method', 'url', 'operation', 'parentId']);
    expect(header).toMatchObject({ kind: 'graphql', method: 'POST', url: '/graphql', operation: 'query GetOrder', parentId: 'p1' });
  });

  it('leaves out what a request does not have', () => {
    const header = jsonHeader({ id: 'r1', kind: 'http', method: 'GET', url: '/x' });
    expect(header).not.toHaveProperty('operation');
    expect(header).not.toHaveProperty('parentId');
    expect(header.kind).toBe('http');
  });
});
