import type { IncidentReason } from '../interfaces/incident.interface';
import { DropCounters } from '../scope/drop-tally';

const REASONS: readonly IncidentReason[] = [
  'level',
  'manual',
  'crash',
  'dump',
  'status',
  'slow',
  'rejected',
  'marked',
  'sampled',
  'tail',
  'repeat',
  'suppressed',
  'passthrough',
  'downstream',
];

/** What the engine decided since it started, for `IncidentBuffer.stats()`: plain numbers. */
export class IncidentCounters {
  readonly incidents = Object.fromEntries(REASONS.map((reason) => [reason, 0])) as Record<IncidentReason, number>;
  repeated = 0;
  suppressed = 0;
  ignoredByStatus = 0;
  readonly dropped = new DropCounters();
}
