// @ts-check
'use strict';
// The logging set-ups of the microservice benchmark (bench/rpc.callgrind.js),
// each as a Nest user writes it for a microservice app, and the scope each
// one must give a message (checked before anything is counted).
const { ALL_LEVELS, NO_DEBUG_LEVELS, incident, noopInterceptor, scopeInterceptor, withProviders } = require('./http.modes');

/**
 * What a message handler runs in: no IncidentLoggerModule (`none`), the module's
 * global scope (`global`), or a scope of its own (`rpc`).
 * @typedef {'none' | 'global' | 'rpc'} MessageScope
 */
/**
 * A set-up: the app's imports, providers and create options (the server adds the transport), the logger for
 * app.useLogger(app.get(...)), and the scope its handlers must see.
 * @typedef {{ setup: () => import('./http.modes').LoggingSetup, scope: MessageScope, label: string }} RpcMode
 */

/** @type {Record<string, RpcMode>} */
const RPC_MODES = {
  disabled: {
    label: 'logging disabled (`logger: false`)',
    setup: () => ({ imports: [], createOptions: { logger: false } }),
    scope: 'none',
  },
  'disabled+noop-interceptor': {
    label: "logging disabled, a no-op global interceptor (Nest's interceptor path alone)",
    setup: () => withProviders({ imports: [], createOptions: { logger: false } }, noopInterceptor()),
    scope: 'none',
  },
  // The module without IncidentScopeInterceptor: every message logs into the one global scope.
  incident: {
    label: 'this module, no interceptor (messages in the global scope)',
    setup: () => incident({}),
    scope: 'global',
  },
  // As the docs tell a microservice app: `{ provide: APP_INTERCEPTOR, useClass: IncidentScopeInterceptor }`.
  'incident+interceptor': {
    label: 'this module + IncidentScopeInterceptor as APP_INTERCEPTOR (a scope per message)',
    setup: () => withProviders(incident({}), scopeInterceptor()),
    scope: 'rpc',
  },
  // An app that already has a global interceptor, without and with ours (not in the default run).
  'incident+noop-interceptor': {
    label: 'this module, a no-op global interceptor (messages in the global scope)',
    setup: () => withProviders(incident({}), noopInterceptor()),
    scope: 'global',
  },
  'incident+interceptor+noop': {
    label: 'this module + IncidentScopeInterceptor + a no-op global interceptor',
    setup: () => withProviders(incident({}), scopeInterceptor(), noopInterceptor()),
    scope: 'rpc',
  },
  // Nest's ConsoleLogger at debug; the server's stdout is /dev/null.
  console: {
    label: 'ConsoleLogger printing debug -> /dev/null',
    setup: () => ({ imports: [], createOptions: { logger: ALL_LEVELS } }),
    scope: 'none',
  },
  'console-nodebug': {
    label: "ConsoleLogger, debug filtered out (logger: ['log','warn','error','fatal'])",
    setup: () => ({ imports: [], createOptions: { logger: NO_DEBUG_LEVELS } }),
    scope: 'none',
  },
};

/** @param {string} mode */
function rpcMode(mode) {
  const found = RPC_MODES[mode];
  if (!found) throw new Error(`unknown microservice mode ${mode} (one of ${Object.keys(RPC_MODES).join(', ')})`);
  return found;
}

module.exports = { RPC_MODES, rpcMode };
