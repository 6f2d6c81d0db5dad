import { randomUUID } from 'node:crypto';
import { LogRecord, messageRecordBytes } from '../capture/log-record';
import type { FailedCall, OutgoingHeaders } from '../links/outgoing-call';
import { OutgoingCalls } from '../links/outgoing-calls';
import type { ResolvedLinkOptions } from '../options/resolved-options.interface';
import type { Redactor } from '../redact/redactor.interface';
import type { IncidentScope, ScopeConfig } from '../scope/incident-scope';
import { scopeStorage } from '../scope/scope-storage';
import { boundText } from '../serialize/bound-text.util';
import { formatTraceparent } from '../trace/trace-context';

/** The context of the record a failed outgoing call adds to its scope's window. */
export const LINKS_CONTEXT = 'IncidentLinks';
/** Remote incident ids one incident links at most (a loop of retries against a failing service names each once). */
export const MAX_LINKS = 16;
/** Characters of a call's URL kept in its record (redacted before it is cut). */
const MAX_CALL_URL = 1024;

export interface ScopeLinksHooks {
  /** A scope's call failed: the engine ends or writes what is due. */
  failed(scope: IncidentScope): void;
  report(text: string): void;
}

/**
 * `incidentLinks` for one engine: the response's incident header (reserved
 * before the reply when an incident is due), the outgoing calls of its scopes
 * (propagation, failed answers) and the marks those leave on a scope.
 */
export class ScopeLinks {
  private readonly calls: OutgoingCalls<IncidentScope>;

  constructor(
    private readonly options: ResolvedLinkOptions,
    private readonly requestIdHeader: string,
    private readonly config: ScopeConfig,
    private readonly redactor: Redactor | undefined,
    private readonly hooks: ScopeLinksHooks,
  ) {
    this.calls = new OutgoingCalls<IncidentScope>(options, {
      scope: () => {
        const scope = scopeStorage.getStore();
        // Request, message and run() scopes of this engine; never the global scope nor the one targets write in.
        // Nor a scope that has ended: a timer first set inside a request (a poller, a cache refresh) keeps its
        // context forever, and its calls are not that request's (a call started before the end and answered
        // after it still is).
        return scope !== undefined && scope.kind === 'request' && !scope.ended && scope.openedWith(config) ? scope : undefined;
      },
      started: options.propagate ? (scope, headers) => this.propagate(scope, headers) : undefined,
      failed: (scope, call) => this.mark(scope, call),
      report: (error) => hooks.report(`an outgoing call was not observed: ${String(error)}`),
    });
  }

  start(): void {
    this.calls.subscribe();
  }

  stop(): void {
    this.calls.unsubscribe();
  }

  /**
   * The scope's next incident is due: its id is chosen now and sent in the
   * response's header while the headers are not out. No-op for scopes
   * without a response (messages, `run()`), or when the header is off.
   */
  reserve(scope: IncidentScope): void {
    const header = this.options.header;
    const response = scope.signal;
    if (header === undefined || response?.setHeader === undefined || response.headersSent === true) return;
    const state = scope.state;
    state.reservedIncidentId ??= randomUUID();
    this.setHeader(scope, header, state.reservedIncidentId);
  }

  /** An incident of the scope was written: its id goes in the header if the headers are not out yet. */
  written(scope: IncidentScope, id: string): void {
    const header = this.options.header;
    const response = scope.signal;
    if (header === undefined || response?.setHeader === undefined || response.headersSent === true) return;
    this.setHeader(scope, header, id);
  }

  /** Propagation: the scope's request id and trace, each unless the call sets it already (OpenTelemetry may have). */
  private propagate(scope: IncidentScope, headers: OutgoingHeaders): void {
    const request = scope.request;
    if (request !== undefined && !headers.has(this.requestIdHeader)) headers.add(this.requestIdHeader, request.id);
    const trace = scope.trace;
    // The scope's own span as the parent: the span OpenTelemetry exports, or the caller's (no span that nobody reports).
    if (trace !== undefined && !headers.has('traceparent')) headers.add('traceparent', formatTraceparent(trace));
  }

  /** A failed answer: a record in the window, the remote id kept for `links`, the header reserved. */
  private mark(scope: IncidentScope, call: FailedCall): void {
    const url = call.url.length > MAX_CALL_URL ? boundText(call.url, MAX_CALL_URL, this.redactor) : call.url;
    const said = call.incidentId === undefined ? '' : ` (incident ${call.incidentId})`;
    // Redacted now: the URL of a call carries tokens like any other.
    const text = boundText(`${call.method} ${url} -> ${call.status}${said}`, 2 * MAX_CALL_URL, this.redactor);
    const state = scope.state;
    const mark = (state.downstream ??= { links: [], first: text });
    const id = call.incidentId;
    if (id !== undefined && mark.links.length < MAX_LINKS && !mark.links.includes(id)) mark.links.push(id);
    // A warning in the reserved ring (a debug flood cannot evict it); added directly, so it triggers nothing itself.
    scope.addReserved(new LogRecord('warn', Date.now(), text, LINKS_CONTEXT), messageRecordBytes(text));
    if (!scope.ended) this.reserve(scope);
    this.hooks.failed(scope);
  }

  private setHeader(scope: IncidentScope, header: string, id: string): void {
    try {
      scope.signal!.setHeader!(header, id);
    } catch (error) {
      this.hooks.report(`the ${header} header was not set: ${String(error)}`);
    }
  }
}

/** Links of an incident: those it had (a told error) and the scope's pending remote ids, once each, at most `MAX_LINKS` added. */
export function mergeLinks(own: string[] | undefined, remote: readonly string[]): string[] {
  const links = own === undefined ? [] : [...own];
  for (const id of remote) if (!links.includes(id)) links.push(id);
  return links;
}
