// @ts-check
'use strict';
// The pieces of the request scope one at a time, in a loop, for
// bench/http.pieces.js (which counts each under callgrind). Each piece runs on
// real objects (ServerResponse, AsyncLocalStorage, the built package's scope
// and registry), prepared before its count starts.
// IPC: sends { type: 'ready', pieces }; { cmd: 'prepare', piece, iterations } -> { type: 'prepared' }
// (objects made, not counted); { cmd: 'run' } -> { type: 'done' } (the loop, counted).
const { AsyncLocalStorage } = require('node:async_hooks');
const { randomUUID } = require('node:crypto');
const { IncomingMessage, ServerResponse } = require('node:http');
const { loadInternals } = require('./library');

const { newScope, ScopeRegistry } = loadInternals();
const storage = new AsyncLocalStorage();
/** @type {import("../lib/scope/scope-registry").ScopeRegistry<any>} */
const registry = new ScopeRegistry(64 * 1024 * 1024);
const SCOPE = Symbol('scope');
const noop = () => undefined;
/** @type {unknown} */
let sink;

/** Fresh responses (each piece that touches one gets its own, as a request does). @param {number} n */
function responses(n) {
  return Array.from({ length: n }, () => {
    const req = new IncomingMessage(/** @type {any} */ (null));
    return { req, res: new ServerResponse(req) };
  });
}

/** Each piece: prepare(n) returns the loop body for iteration i. @type {Record<string, (n: number) => (i: number) => void>} */
const PIECES = {
  'empty loop': () => (i) => {
    sink = i;
  },
  'scope object (new IncidentScope)': () => (i) => {
    sink = newScope({ idHeader: undefined, method: 'GET', url: `/orders/${i}` }, registry);
  },
  'registry register + unregister': () => {
    const scope = newScope({ method: 'GET', url: '/' });
    return () => {
      registry.register(scope);
      registry.unregister(scope);
    };
  },
  'request id (randomUUID + flatten)': () => () => {
    const id = randomUUID();
    id.charCodeAt(0);
    sink = id;
  },
  'res.setHeader(x-request-id)': (n) => {
    const pool = responses(n);
    return (i) => pool[i].res.setHeader('x-request-id', '3b241101-e2bb-4255-8caf-4136c566a962');
  },
  "res.once('close', closure)": (n) => {
    const pool = responses(n);
    return (i) => {
      const scope = pool[i];
      pool[i].res.once('close', () => sink === scope);
    };
  },
  'AsyncLocalStorage.run(store, fn)': () => (i) => {
    storage.run(i, noop);
  },
  'WeakMap set + get (one scope per request)': (n) => {
    const pool = responses(n);
    const map = new WeakMap();
    return (i) => {
      map.set(pool[i].req, i);
      sink = map.get(pool[i].req);
    };
  },
  'symbol property set + get (one scope per request)': (n) => {
    const pool = responses(n);
    return (i) => {
      const req = /** @type {any} */ (pool[i].req);
      req[SCOPE] = i;
      sink = req[SCOPE];
    };
  },
};

if (require.main === module) {
  /** @type {{ body: (i: number) => void, iterations: number } | undefined} */
  let prepared;
  process.on('message', (/** @type {{ cmd: string, piece: string, iterations: number }} */ message) => {
    if (message.cmd === 'prepare') {
      prepared = { body: PIECES[message.piece](message.iterations), iterations: message.iterations };
      process.send?.({ type: 'prepared' });
    } else if (message.cmd === 'run' && prepared) {
      const { body, iterations } = prepared;
      for (let i = 0; i < iterations; i++) body(i);
      prepared = undefined;
      process.send?.({ type: 'done' });
    } else if (message.cmd === 'exit') process.exit(0);
  });
  process.send?.({ type: 'ready', pieces: Object.keys(PIECES) });
}

module.exports = { PIECES };
