import type { IncidentScope } from './incident-scope';

type Tagged = Record<symbol, IncidentScope | undefined>;

/**
 * The scope of each raw request (one per request, even with the middleware
 * mounted twice), kept in a symbol property of the request rather than a
 * WeakMap.
 *
 * Why not a WeakMap: the scope holds the response, and the response holds the
 * request, so each entry's value reaches its own key. V8's scavenger cannot
 * see through that cycle: every request's whole object graph (request,
 * response, socket state, ~4 KB) survived the young generation and was
 * promoted, to be freed only by mark-compacts (on Node 24: 4.0 KB promoted per
 * request on a route that logs nothing, ~1 B without the module). As a
 * property, the scope dies with its request in the next scavenge. The symbol
 * is the engine's own (several apps in one process each keep theirs), and the
 * property is not enumerable: nothing that walks the request sees it.
 */
export class RequestScopes {
  private readonly key = Symbol('nestjs-incident-logger:scope');

  /** Undefined for anything that is not an object, or that throws when read (a hostile proxy): as a WeakMap lookup was. */
  get(request: unknown): IncidentScope | undefined {
    if (typeof request !== 'object' || request === null) return undefined;
    try {
      return (request as Tagged)[this.key];
    } catch {
      return undefined;
    }
  }

  /** False when the request object cannot take a property (frozen, sealed, a hostile proxy): the caller goes on without it. */
  set(request: object, scope: IncidentScope): boolean {
    try {
      // Not enumerable: `console.log(req)`, `util.inspect`, a logger's own object capture or a deep clone
      // would otherwise walk into the scope and print its buffered records, unredacted.
      Object.defineProperty(request, this.key, { value: scope, writable: true, configurable: true, enumerable: false });
      return true;
    } catch {
      return false;
    }
  }
}
