/**
 * Incidents linked across services (`incidentLinks` option): the id of the
 * incident a response's scope wrote goes out in a header; outgoing HTTP calls
 * made in a scope carry its request id and trace, and a failed one (a 5xx,
 * or a response naming an incident of its own) makes the calling scope write
 * its window (`reason: 'downstream'`, `links`) even if it recovered.
 * See docs/linked-incidents.md. @publicApi
 */
export interface IncidentLinkOptions {
  /**
   * Response header carrying the id of the incident the scope wrote; `false`:
   * not sent. Also the header read on responses to outgoing calls. Lower case;
   * must differ from `requestIdHeader`.
   * @default 'x-incident-id'
   */
  header?: string | false;
  /**
   * Which statuses of an outgoing call's response mark the calling scope
   * (besides a response carrying the header); `false`: only the header marks.
   * @default (status) => status >= 500
   */
  downstream?: ((status: number) => boolean) | false;
  /**
   * Outgoing calls made in a scope carry its request id (under
   * `requestIdHeader`) and `traceparent` (when the scope knows its trace),
   * each only when the call does not set it already. Not possible for
   * `node:http` requests on Node 20 (no channel fires before their headers
   * are sent), nor for requests created with their headers as an array.
   * @default true
   */
  propagate?: boolean;
}
