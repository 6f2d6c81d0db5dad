import type { Incident } from '../interfaces';
import type { IncidentFormat } from './incident-format.interface';
import { formatIncidentJson } from './json.format';
import { formatIncidentText } from './text.format';

/** Renders an incident in the given format; the string ends with a newline. */
export function formatIncident(incident: Incident, format: IncidentFormat, colors = false): string {
  return format === 'json' ? formatIncidentJson(incident) : formatIncidentText(incident, colors);
}
