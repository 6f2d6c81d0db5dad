import type { OutgoingHeaders } from './outgoing-call';

/** What a `node:http` `ClientRequest` offers, as far as the channels' subscriber uses it. */
export interface NodeClientRequest {
  readonly method?: string;
  readonly protocol?: string;
  readonly host?: string;
  readonly path?: string;
  readonly headersSent?: boolean;
  getHeader(name: string): unknown;
  setHeader(name: string, value: string): unknown;
}

/** An undici `Request` (fetch): `headers` is a flat array of names and values (undici 6 to 8), a string in older ones. */
export interface UndiciRequest {
  readonly method?: string;
  readonly origin?: unknown;
  readonly path?: string;
  readonly headers?: unknown;
  addHeader?(name: string, value: string): unknown;
}

/**
 * The headers of a `node:http` request. Settable only before they are sent:
 * on `http.client.request.created` (Node 22.12+), and not for a request
 * created with its headers as an array (Node stores those at once).
 */
export function nodeRequestHeaders(request: NodeClientRequest): OutgoingHeaders {
  return {
    has: (name) => request.getHeader(name) !== undefined,
    add: (name, value) => {
      if (request.headersSent === true) return false;
      request.setHeader(name, value);
      return true;
    },
  };
}

function undiciHas(headers: unknown, name: string): boolean {
  if (Array.isArray(headers)) {
    for (let i = 0; i < headers.length; i += 2) {
      const key: unknown = headers[i];
      if (typeof key === 'string' && key.length === name.length && key.toLowerCase() === name) return true;
    }
    return false;
  }
  // Older undici: the serialised block, `name: value\r\n` lines.
  return typeof headers === 'string' && `\r\n${headers.toLowerCase()}`.includes(`\r\n${name}:`);
}

/** The headers of an undici request, on `undici:request:create` (before it is dispatched). */
export function undiciRequestHeaders(request: UndiciRequest): OutgoingHeaders {
  return {
    has: (name) => undiciHas(request.headers, name),
    add: (name, value) => {
      if (typeof request.addHeader !== 'function') return false;
      request.addHeader(name, value);
      return true;
    },
  };
}

/** `http://host:port/path` of a `node:http` request (the Host header carries the port). */
export function nodeRequestUrl(request: NodeClientRequest): string {
  let host: unknown;
  try {
    host = request.getHeader('host');
  } catch {
    host = undefined;
  }
  return `${request.protocol ?? 'http:'}//${typeof host === 'string' ? host : (request.host ?? '')}${request.path ?? ''}`;
}

export function undiciRequestUrl(request: UndiciRequest): string {
  return `${String(request.origin ?? '')}${request.path ?? ''}`;
}

/** A header of an undici response (`headers`: raw names and values, Buffers or strings), lower-case `name`. */
export function undiciResponseHeader(headers: unknown, name: string): string | undefined {
  if (!Array.isArray(headers)) return undefined;
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const key: unknown = headers[i];
    // Length first: most names are not the one looked for, and are not decoded.
    if (typeof key !== 'string' && !Buffer.isBuffer(key)) continue;
    if (key.length !== name.length || String(key).toLowerCase() !== name) continue;
    return String(headers[i + 1]);
  }
  return undefined;
}
