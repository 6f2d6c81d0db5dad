// C0 controls (tab excepted), DEL, C1 controls, line/paragraph separators and
// bidi overrides: anything that could forge a line or drive a terminal.
const UNSAFE_TEXT = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// What JSON.stringify leaves raw from the set above.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function unicodeEscape(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

function textEscape(char: string): string {
  if (char === '\n') return '\\n';
  if (char === '\r') return '\\r';
  return unicodeEscape(char);
}

/** Makes text safe for a terminal or a line-oriented file: one line, no control bytes. */
export function escapeText(text: string): string {
  return text.replace(UNSAFE_TEXT, textEscape);
}

/** JSON.stringify, plus escapes for the controls it leaves raw (DEL, C1, U+2028/9, bidi). */
export function stringifyJsonLine(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE_IN_JSON, unicodeEscape);
}
