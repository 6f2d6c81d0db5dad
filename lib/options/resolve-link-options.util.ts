import type { IncidentLinkOptions } from '../interfaces/incident-link-options.interface';
import { booleanOption, checkKnownKeys, invalidOption, objectOption } from '../shared/option-validation.util';
import type { ResolvedLinkOptions } from './resolved-options.interface';

const OWNER = 'IncidentLoggerModule';

export const DEFAULT_INCIDENT_HEADER = 'x-incident-id';
/** `incidentLinks.downstream`: a 5xx answer marks the calling scope. */
export const DEFAULT_DOWNSTREAM_STATUS = (status: number): boolean => status >= 500;

const KNOWN_LINK_OPTIONS = Object.keys({ header: true, downstream: true, propagate: true } satisfies Record<
  keyof IncidentLinkOptions,
  true
>);

function checkIncidentHeader(value: unknown, requestIdHeader: string): string | undefined {
  if (value === false) return undefined;
  if (value === undefined) return DEFAULT_INCIDENT_HEADER;
  if (typeof value !== 'string' || !/^[a-z0-9-]+$/i.test(value))
    invalidOption(OWNER, 'incidentLinks.header', 'a header name or false', value);
  const header = value.toLowerCase();
  // One header cannot carry both ids (setResponseHeader echoes the request id under it).
  if (header === requestIdHeader || header === 'traceparent') {
    invalidOption(OWNER, 'incidentLinks.header', `a header name other than requestIdHeader ('${requestIdHeader}') and traceparent`, value);
  }
  return header;
}

/** `incidentLinks`, validated, with its defaults; undefined when `false`. */
export function resolveLinkOptions(value: unknown, requestIdHeader: string): ResolvedLinkOptions | undefined {
  if (value === false) return undefined;
  objectOption(OWNER, 'incidentLinks', value);
  const options = (value ?? {}) as Record<string, unknown>;
  checkKnownKeys(OWNER, options, KNOWN_LINK_OPTIONS, 'incidentLinks.');
  const downstream = options.downstream;
  if (downstream !== undefined && downstream !== false && typeof downstream !== 'function') {
    invalidOption(OWNER, 'incidentLinks.downstream', 'a function or false', downstream);
  }
  return {
    header: checkIncidentHeader(options.header, requestIdHeader),
    downstream:
      downstream === undefined ? DEFAULT_DOWNSTREAM_STATUS : downstream === false ? undefined : (downstream as (status: number) => boolean),
    propagate: booleanOption(OWNER, 'incidentLinks.propagate', options.propagate, true),
  };
}
