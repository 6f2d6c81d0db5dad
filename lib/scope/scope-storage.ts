import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncidentScope } from './incident-scope';

/**
 * The one AsyncLocalStorage of the library. Keep a single copy of the package
 * in an app (it is why Nest is a peer dependency): two copies mean two stores.
 */
export const scopeStorage = new AsyncLocalStorage<IncidentScope>();
