/** What the target uses of `@opentelemetry/api-logs` (an optional peer). */
export interface LogsApi {
  logs: { getLoggerProvider(): unknown };
}

/** What the target uses of `@opentelemetry/api` (an optional peer). */
export interface TraceApi {
  ROOT_CONTEXT: unknown;
  trace: {
    setSpanContext(context: unknown, spanContext: { traceId: string; spanId: string; traceFlags: number; isRemote?: boolean }): unknown;
  };
}

/** The peers, loaded when a target is constructed: never at import, so an app without OpenTelemetry can import this package. */
export type PeerLoader = (id: string) => unknown;

/** The module, or undefined when it is not installed (any other failure to load it is thrown: it is a real fault). */
export function loadOptionalPeer<T>(id: string, load: PeerLoader): T | undefined {
  try {
    return load(id) as T;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const missing = code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
    // Only this module missing: a peer installed without its own dependency is a fault to show.
    if (missing && String((error as Error).message).includes(`'${id}'`)) return undefined;
    throw error;
  }
}
