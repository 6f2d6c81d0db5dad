import { type MiddlewareConsumer, RequestMethod } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IncidentScopeMiddleware } from './incident-scope.middleware';

// Nest 11+ (path-to-regexp 8) wants a named wildcard; Nest 10 the bare '*'.
// Reading the installed core's version avoids the LegacyRouteConverter warning.
export function catchAllRoutePath(): string {
  try {
    const { version } = require('@nestjs/core/package.json') as { version: string };
    return Number.parseInt(version, 10) >= 11 ? '{*path}' : '*';
  } catch {
    return '{*path}';
  }
}

/**
 * Mounts the scope middleware on every request, before guards.
 *
 * On Express, a plain `app.use(fn)` layer: it matches every path without a
 * pattern, where Nest's catch-all route layer runs path-to-regexp and builds
 * the wildcard's parameters on every request (measured in
 * docs/design-decisions.md, "The request id and the cost of a request").
 * Registered from `configure()`, it comes before the body parser's successors
 * and every Nest middleware, as the catch-all layer did.
 *
 * On Fastify (and any other adapter), Nest's own mount: its Fastify adapter
 * also copies the middleware into plugin contexts registered before it, which
 * a plain `use()` on the instance would miss.
 */
export function mountScopeMiddleware(
  consumer: MiddlewareConsumer,
  adapterHost: HttpAdapterHost | undefined,
  middleware: IncidentScopeMiddleware,
  middlewareClass: typeof IncidentScopeMiddleware,
): void {
  const adapter = adapterHost?.httpAdapter;
  if (adapter !== undefined && adapter.getType() === 'express') {
    adapter.use((req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => middleware.use(req, res, next));
    return;
  }
  consumer.apply(middlewareClass).forRoutes({ path: catchAllRoutePath(), method: RequestMethod.ALL });
}
