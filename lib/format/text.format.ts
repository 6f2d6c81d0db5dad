import type { LogLevel } from '@nestjs/common';
import type { Incident, IncidentRecord } from '../interfaces';
import { escapeText } from './escape.util';
import { isoTime } from './iso-time.util';

const LEVEL_COLORS: Record<LogLevel, string> = {
  verbose: '\x1b[96m',
  debug: '\x1b[95m',
  log: '\x1b[32m',
  warn: '\x1b[33m',
  error: '\x1b[31m',
  fatal: '\x1b[1m',
};
const RESET = '\x1b[39m\x1b[22m';

function describeIncident(incident: Incident): string {
  const parts = [`INCIDENT ${incident.id}`];
  if (incident.request) {
    const { method, url, id } = incident.request;
    // A run() scope has no URL unless one was given: `RUN`, not `RUN ` before the separator.
    parts.push(url === '' ? method : `${method} ${url}`, `request=${id}`);
  } else {
    parts.push(`scope=${incident.scope}`);
  }
  parts.push(`reason=${incident.reason}`, `records=${incident.records.length}`, `dropped=${incident.dropped}`);
  return escapeText(parts.join(' | '));
}

function formatRecord(record: IncidentRecord, colors: boolean): string {
  const level = record.level.toUpperCase().padStart(7, ' ');
  const context = record.context ? ` [${escapeText(record.context)}]` : '';
  const paint = colors ? LEVEL_COLORS[record.level] : '';
  let line = `${isoTime(record.timestamp)} ${paint}${level}${colors ? RESET : ''}${context} ${escapeText(record.message)}`;
  if (record.data) line += ` ${escapeText(JSON.stringify(record.data))}`;
  if (record.stack) {
    for (const stackLine of record.stack.split('\n')) line += `\n    ${escapeText(stackLine)}`;
  }
  return line;
}

/**
 * The whole incident as one block: a header with ids and counts, one line per
 * record (stack lines indented below their record), and an end marker.
 */
export function formatIncidentText(incident: Incident, colors = false): string {
  const lines = [`=== ${describeIncident(incident)} ===`];
  for (const record of incident.records) lines.push(formatRecord(record, colors));
  lines.push(`=== END INCIDENT ${escapeText(incident.id)} ===`);
  return `${lines.join('\n')}\n`;
}
