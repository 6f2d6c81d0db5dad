/** `'text'`: readable block, one line per record. `'json'`: one JSON object per line. */
export type IncidentFormat = 'text' | 'json';
