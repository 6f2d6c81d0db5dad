// Reads back the `fields: key=value …` part of a text header. The text format
// prints a key or a string value bare when it is made only of
// `A-Za-z0-9_ . : / @ + -`, and anything else as JSON, so a scanner that knows
// JSON strings and brackets finds where each value ends.

function jsonEnd(text: string, start: number): number {
  // Index just past the JSON value starting at `start` (a string, or a bracketed value).
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') {
        inString = false;
        if (depth === 0) return index + 1;
      }
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') {
      depth--;
      if (depth === 0) return index + 1;
    }
  }
  return text.length;
}

function parseJsonOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `orderId=7 tenant=acme plan="pro annual"` → `{ orderId: 7, tenant: 'acme', plan: 'pro annual' }`. */
export function parseTextFields(text: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  let index = 0;
  while (index < text.length) {
    while (text[index] === ' ') index++;
    if (index >= text.length) break;
    let key: string;
    if (text[index] === '"') {
      const end = jsonEnd(text, index);
      key = String(parseJsonOr(text.slice(index, end)));
      index = end;
    } else {
      const end = text.indexOf('=', index);
      if (end === -1) break;
      key = text.slice(index, end);
      index = end;
    }
    if (text[index] !== '=') break;
    index++;
    const first = text[index];
    let end: number;
    if (first === '"' || first === '{' || first === '[') end = jsonEnd(text, index);
    else {
      end = text.indexOf(' ', index);
      if (end === -1) end = text.length;
    }
    const raw = text.slice(index, end);
    // A bare word that is not JSON (`acme`) is a string; `7`, `true` read back as what they were printed from.
    fields[key] = parseJsonOr(raw);
    index = end;
  }
  return fields;
}
