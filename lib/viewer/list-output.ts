import { escapeText, stringifyJsonLine } from '../format/escape.util';
import type { ListFilters } from './viewer-args';
import type { ReadIncident } from './read-incident.interface';

const TIME_WIDTH = 24;
const REASON_WIDTH = 10;
const URL_CUT = 80;
const MESSAGE_CUT = 120;

function cut(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

/** The incident's time: its last record's (the trigger's, when it has one). */
export function incidentTime(read: ReadIncident): string | undefined {
  return read.lastTime;
}

/** Whether `list`'s filters keep the incident. */
export function matchesFilters(read: ReadIncident, filters: ListFilters): boolean {
  const header = read.header;
  if (filters.reasons && !filters.reasons.includes(header.reason)) return false;
  if (filters.request !== undefined && header.requestId !== filters.request && header.parentId !== filters.request) return false;
  if (filters.grep !== undefined && !read.matched) return false;
  if (filters.since !== undefined || filters.until !== undefined) {
    const time = read.lastTime === undefined ? Number.NaN : Date.parse(read.lastTime);
    if (Number.isNaN(time)) return false;
    if (filters.since !== undefined && time < filters.since) return false;
    if (filters.until !== undefined && time > filters.until) return false;
  }
  return true;
}

function describeRequest(read: ReadIncident): string {
  const header = read.header;
  if (header.requestId === undefined && header.method === undefined) return `scope=${String(header.scope ?? 'global')}`;
  const what = [header.method, header.url, header.operation].filter((part) => typeof part === 'string' && part !== '').join(' ');
  return `${cut(what, URL_CUT)} request=${String(header.requestId ?? '')}`;
}

/**
 * One line per incident, escaped (a file is data, not terminal commands):
 * `<time>  <id>  <reason>  <records> rec  <request>  <LEVEL> [context] <trigger message>`.
 */
export function listLine(read: ReadIncident): string {
  const header = read.header;
  const time = (incidentTime(read) ?? '-').padEnd(TIME_WIDTH);
  const records = `${header.records} rec${read.complete ? '' : ' (incomplete)'}`;
  const trigger = read.trigger;
  const message = trigger
    ? `${trigger.level.toUpperCase()}${trigger.context ? ` [${trigger.context}]` : ''} ${cut(trigger.message, MESSAGE_CUT)}`
    : '-';
  return `${escapeText(`${time}  ${read.id}  ${header.reason.padEnd(REASON_WIDTH)}  ${records}  ${describeRequest(read)}  ${message}`)}\n`;
}

/**
 * `--json`: one object per incident: where it is, when, whether it is whole,
 * the header as written (every key, unknown ones included) and the trigger.
 */
export function listJson(read: ReadIncident): string {
  const { incident: _incident, type: _type, ...header } = read.header;
  const trigger = read.trigger && {
    level: read.trigger.level,
    time: read.trigger.time,
    context: read.trigger.context,
    message: read.trigger.message,
  };
  return `${stringifyJsonLine({
    id: read.id,
    time: incidentTime(read),
    firstTime: read.firstTime,
    file: read.file,
    line: read.line,
    format: read.format,
    complete: read.complete,
    ...header,
    trigger,
  })}\n`;
}
