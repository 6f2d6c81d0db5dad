import diagnosticsChannel from 'node:diagnostics_channel';
import {
  type NodeClientRequest,
  nodeRequestHeaders,
  nodeRequestUrl,
  type UndiciRequest,
  undiciRequestHeaders,
  undiciRequestUrl,
  undiciResponseHeader,
} from './client-requests';
import { type FailedCall, incidentIdFrom, type OutgoingHeaders } from './outgoing-call';

/**
 * The channels Node publishes for outgoing HTTP calls. `created` fires in the
 * request's constructor, before its headers are sent (Node 22.12+ and 23.2+;
 * not on Node 20); `start` fires once they are sent (every supported Node),
 * `response.finish` when the response's headers arrived, before the caller
 * sees it. undici (fetch) publishes `create` before dispatching the request
 * and `headers` when the response's headers arrived (Node 20's undici 6 to
 * Node 26's undici 8).
 */
export const CHANNELS = {
  httpCreated: 'http.client.request.created',
  httpStart: 'http.client.request.start',
  httpResponse: 'http.client.response.finish',
  undiciCreate: 'undici:request:create',
  undiciHeaders: 'undici:request:headers',
} as const;

/** What an engine does with the calls made in its scopes. */
export interface OutgoingCallHooks<S extends object> {
  /** The calling scope, if it is one of this engine's request, message or `run()` scopes; else the call is not observed. */
  scope(): S | undefined;
  /** Propagation: adds the scope's headers to the call; undefined when `propagate` is off. */
  started?(scope: S, headers: OutgoingHeaders): void;
  /** A response the options count as a failure. */
  failed(scope: S, call: FailedCall): void;
  /** A hook threw: reported, never thrown into the caller's call. */
  report(error: unknown): void;
}

export interface OutgoingCallOptions {
  /** The incident header, lower case; undefined: not read. */
  header: string | undefined;
  downstream: ((status: number) => boolean) | undefined;
}

interface RequestMessage {
  request: object;
}

interface NodeResponseMessage {
  request: NodeClientRequest;
  response: { statusCode?: number; headers?: Record<string, unknown> };
}

interface UndiciHeadersMessage {
  request: UndiciRequest;
  response: { statusCode?: number; headers?: unknown };
}

/** Set once `http.client.request.created` fires: from then on `start` (after the headers) is not needed to see a call. */
let createdChannelSeen = false;

/**
 * Outgoing HTTP calls made in an engine's scopes, observed through
 * `diagnostics_channel` only (nothing patched). Each engine subscribes its
 * own instance (several apps in one process): a call belongs to the engine
 * whose scope made it. The calling scope is remembered by request object
 * when the request is created (in the caller's async context); the response
 * callbacks look it up there, whatever context they run in.
 */
export class OutgoingCalls<S extends object> {
  private readonly calls = new WeakMap<object, S>();
  private subscribed = false;

  private readonly onHttpCreated = (message: unknown): void => {
    createdChannelSeen = true;
    const request = (message as RequestMessage).request as NodeClientRequest;
    this.remember(request, () => nodeRequestHeaders(request));
  };

  private readonly onHttpStart = (message: unknown): void => {
    // Node 20: no `created` channel; seen only now, headers already sent (nothing to propagate).
    if (!createdChannelSeen) this.remember((message as RequestMessage).request, undefined);
  };

  private readonly onHttpResponse = (message: unknown): void => {
    const { request, response } = message as NodeResponseMessage;
    const scope = this.calls.get(request);
    if (scope === undefined) return;
    this.calls.delete(request);
    this.answered(
      scope,
      response.statusCode,
      () => response.headers?.[this.options.header!],
      () => ({
        method: request.method ?? 'GET',
        url: nodeRequestUrl(request),
      }),
    );
  };

  private readonly onUndiciCreate = (message: unknown): void => {
    const request = (message as RequestMessage).request as UndiciRequest;
    this.remember(request, () => undiciRequestHeaders(request));
  };

  private readonly onUndiciHeaders = (message: unknown): void => {
    const { request, response } = message as UndiciHeadersMessage;
    const scope = this.calls.get(request);
    if (scope === undefined) return;
    // A redirect is answered again on the same request: each answer counts, the first failure marks.
    this.answered(
      scope,
      response.statusCode,
      () => undiciResponseHeader(response.headers, this.options.header!),
      () => ({
        method: request.method ?? 'GET',
        url: undiciRequestUrl(request),
      }),
    );
  };

  constructor(
    private readonly options: OutgoingCallOptions,
    private readonly hooks: OutgoingCallHooks<S>,
  ) {}

  subscribe(): void {
    if (this.subscribed) return;
    this.subscribed = true;
    diagnosticsChannel.subscribe(CHANNELS.httpCreated, this.onHttpCreated);
    diagnosticsChannel.subscribe(CHANNELS.httpStart, this.onHttpStart);
    diagnosticsChannel.subscribe(CHANNELS.httpResponse, this.onHttpResponse);
    diagnosticsChannel.subscribe(CHANNELS.undiciCreate, this.onUndiciCreate);
    diagnosticsChannel.subscribe(CHANNELS.undiciHeaders, this.onUndiciHeaders);
  }

  unsubscribe(): void {
    if (!this.subscribed) return;
    this.subscribed = false;
    diagnosticsChannel.unsubscribe(CHANNELS.httpCreated, this.onHttpCreated);
    diagnosticsChannel.unsubscribe(CHANNELS.httpStart, this.onHttpStart);
    diagnosticsChannel.unsubscribe(CHANNELS.httpResponse, this.onHttpResponse);
    diagnosticsChannel.unsubscribe(CHANNELS.undiciCreate, this.onUndiciCreate);
    diagnosticsChannel.unsubscribe(CHANNELS.undiciHeaders, this.onUndiciHeaders);
  }

  /** A call starts in the current async context: its scope (if this engine's) is remembered, its headers added. */
  private remember(request: object, headers: (() => OutgoingHeaders) | undefined): void {
    try {
      if (this.calls.has(request)) return;
      const scope = this.hooks.scope();
      if (scope === undefined) return;
      this.calls.set(request, scope);
      if (headers !== undefined && this.hooks.started !== undefined) this.hooks.started(scope, headers());
    } catch (error) {
      this.hooks.report(error);
    }
  }

  private answered(scope: S, status: number | undefined, header: () => unknown, describe: () => { method: string; url: string }): void {
    try {
      const incidentId = this.options.header === undefined ? undefined : incidentIdFrom(header());
      if (incidentId === undefined && !this.failedStatus(status)) return;
      this.hooks.failed(scope, { ...describe(), status: status ?? 0, incidentId });
    } catch (error) {
      this.hooks.report(error);
    }
  }

  private failedStatus(status: number | undefined): boolean {
    const downstream = this.options.downstream;
    if (downstream === undefined || typeof status !== 'number') return false;
    return downstream(status) === true;
  }
}
