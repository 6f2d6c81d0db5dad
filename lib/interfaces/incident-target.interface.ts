import type { Incident, IncidentRecord, IncidentRequest } from './incident.interface';

/**
 * Where incidents go. A target may be a plain object, a class instance, or an
 * `@Injectable()` class resolved through Nest's DI.
 *
 * A target that throws or rejects never breaks the app, the request or the
 * other targets: the failure is reported once on stderr.
 * @publicApi
 */
export interface IncidentTarget {
  /**
   * Receives one incident. Must not mutate it (it is shared by all targets).
   * May return a promise; it is not awaited on the request path.
   */
  write(incident: Incident): void | Promise<void>;
  /**
   * Receives one record at once, when it is logged at or above
   * `passthroughLevel` (redacted, like an incident's records), with the
   * request it was logged in. The record also stays in the window and comes
   * again, marked `passthrough: true`, if an incident is written. A target
   * without this method receives a one-record incident
   * (`reason: 'passthrough'`) instead.
   */
  writeRecord?(record: IncidentRecord, request: IncidentRequest | undefined): void | Promise<void>;
  /**
   * Make everything written so far durable before returning. Called after a
   * `fatal` or crash incident, when the process may exit right after.
   */
  flushSync?(): void;
  /** Wait for pending writes. Called on application shutdown. */
  flush?(): void | Promise<void>;
  /** Release resources. Called on application shutdown, after `flush`. */
  close?(): void | Promise<void>;
}
