import { inspect } from 'node:util';
import { DropCounters } from '../../lib/scope/drop-tally';
import { IncidentScope } from '../../lib/scope/incident-scope';
import { RequestScopes } from '../../lib/scope/request-scopes';

const scope = () =>
  new IncidentScope(
    'request',
    { capacity: 5, maxBytes: 1_000, reserved: 0, counters: new DropCounters(), onEnd: () => undefined },
    { method: 'GET', url: '/' },
  );

describe('RequestScopes: the scope of each raw request', () => {
  it('finds the scope set on a request, and nothing on another', () => {
    const scopes = new RequestScopes();
    const request = {};
    const opened = scope();
    expect(scopes.set(request, opened)).toBe(true);
    expect(scopes.get(request)).toBe(opened);
    expect(scopes.get({})).toBeUndefined();
  });

  it("keeps each engine's scopes apart (two apps in one process tag the same request)", () => {
    const first = new RequestScopes();
    const second = new RequestScopes();
    const request = {};
    const opened = scope();
    first.set(request, opened);
    expect(second.get(request)).toBeUndefined();
  });

  it('adds nothing the request shows to Object.keys, JSON.stringify or a for-in loop', () => {
    const request = { method: 'GET', url: '/orders' };
    new RequestScopes().set(request, scope());
    expect(Object.keys(request)).toEqual(['method', 'url']);
    expect(JSON.stringify(request)).toBe('{"method":"GET","url":"/orders"}');
    const seen: string[] = [];
    for (const key in request) seen.push(key);
    expect(seen).toEqual(['method', 'url']);
  });

  it('is not walked into by util.inspect (console.log(req)) or a deep copy: the buffered records stay unseen', () => {
    const request = { method: 'GET', url: '/orders' };
    const opened = scope();
    opened.add({ level: 'debug', timestamp: 1, message: 'password=hunter2' } as never, 10);
    new RequestScopes().set(request, opened);
    expect(inspect(request, { depth: 5 })).not.toContain('hunter2');
    expect(inspect(request, { depth: 5 })).not.toContain('IncidentScope');
    expect(Object.getOwnPropertySymbols({ ...request })).toEqual([]);
    expect(structuredClone(request)).toEqual({ method: 'GET', url: '/orders' });
  });

  it('refuses a request that cannot take a property, without throwing', () => {
    const scopes = new RequestScopes();
    const hostile = new Proxy(
      {},
      {
        defineProperty() {
          throw new Error('no');
        },
      },
    );
    expect(scopes.set(Object.freeze({}), scope())).toBe(false);
    expect(scopes.set(Object.seal({}), scope())).toBe(false);
    expect(scopes.set(hostile, scope())).toBe(false);
    expect(scopes.get(Object.freeze({}))).toBeUndefined();
  });

  it('reads nothing from what is not an object, or throws when read, without throwing', () => {
    const scopes = new RequestScopes();
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('no');
        },
      },
    );
    for (const value of [undefined, null, 0, 'req', Symbol('req'), hostile]) expect(scopes.get(value)).toBeUndefined();
  });
});
