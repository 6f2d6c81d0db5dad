/**
 * Cuts a string to `max` characters with a marker saying how much was cut.
 * The kept part is copied so the record does not pin a huge parent string in
 * memory (V8 slices share their parent's storage). `originalLength` is the
 * length of the text `text` was taken from, when it is already a prefix.
 */
export function truncateString(text: string, max: number, originalLength = text.length): string {
  if (text.length <= max && originalLength <= text.length) return text;
  let end = Math.min(max, text.length);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--; // do not split a surrogate pair
  const kept = Buffer.from(text.slice(0, end), 'utf8').toString('utf8');
  return `${kept}…[truncated ${Math.max(originalLength - end, 0)} chars]`;
}
