/**
 * Cuts a string to `max` characters with a marker saying how much was cut.
 * The kept part is copied so the record does not pin a huge parent string in
 * memory (V8 slices share their parent's storage).
 */
export function truncateString(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--; // do not split a surrogate pair
  const kept = Buffer.from(text.slice(0, end), 'utf8').toString('utf8');
  return `${kept}…[truncated ${text.length - end} chars]`;
}
