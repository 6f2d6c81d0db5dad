import type { LogLevel } from '@nestjs/common';
import type { Incident, IncidentRecord } from '../interfaces';
import { ALL_LOG_LEVELS } from '../shared/log-levels';

// What the text and JSON formats derive from an incident in the same way, so
// the two never disagree on which records they print or how they count them.

/**
 * Whether a format prints `record` in the body of `incident`. A pass-through
 * record was already written on its own line when it was logged; printing it
 * again would show it twice in the same file. The trigger is always printed,
 * and so is the record of a `reason: 'passthrough'` incident (that incident
 * is how a target without `writeRecord` receives it in the first place).
 */
export function isPrinted(incident: Incident, record: IncidentRecord): boolean {
  return record.passthrough !== true || record === incident.trigger || incident.reason === 'passthrough';
}

/** `droppedByLevel` in level order, without empty counts. */
export function droppedLevels(incident: Incident): Array<[LogLevel, number]> {
  const byLevel = incident.droppedByLevel;
  if (!byLevel) return [];
  const levels: Array<[LogLevel, number]> = [];
  // Lowest first, as the counts of dropped records read best.
  for (const level of ALL_LOG_LEVELS) {
    const count = byLevel[level];
    if (count !== undefined && count > 0) levels.push([level, count]);
  }
  return levels;
}

/** `fields` when it holds at least one defined value. */
export function definedFields(incident: Incident): Array<[string, unknown]> {
  if (!incident.fields) return [];
  return Object.entries(incident.fields).filter(([, value]) => value !== undefined);
}
