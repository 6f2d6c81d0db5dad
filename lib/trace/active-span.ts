import type { TraceContext } from './trace-context';

/** Reads the span active in the current async context; undefined when there is none. */
export type ActiveSpanReader = () => TraceContext | undefined;

interface OpenTelemetryApi {
  context: { active(): unknown };
  trace: { getSpanContext(context: unknown): { traceId: string; spanId: string; traceFlags: number } | undefined };
  isSpanContextValid(spanContext: { traceId: string; spanId: string }): boolean;
}

/**
 * The active OpenTelemetry span, when `@opentelemetry/api` (an optional peer)
 * can be loaded: required here, once, at startup, so an app without it pays
 * nothing and one with it pays one context lookup per scope. The API's own
 * global registration means the app's SDK (whatever copy of the API it
 * registered through, within the API's major version) is the one read.
 */
export function loadActiveSpanReader(load: (id: string) => unknown = require): ActiveSpanReader | undefined {
  let api: OpenTelemetryApi;
  try {
    api = load('@opentelemetry/api') as OpenTelemetryApi;
  } catch {
    return undefined;
  }
  if (typeof api?.trace?.getSpanContext !== 'function' || typeof api.context?.active !== 'function') return undefined;
  return () => {
    try {
      const span = api.trace.getSpanContext(api.context.active());
      if (span === undefined || !api.isSpanContextValid(span)) return undefined;
      return { traceId: span.traceId, spanId: span.spanId, flags: span.traceFlags };
    } catch {
      // A broken context manager must not cost a request its scope.
      return undefined;
    }
  };
}
