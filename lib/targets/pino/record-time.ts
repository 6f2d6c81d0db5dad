import type { PinoInstance } from './pino-target-options.interface';

// pino stamps each line with `this[pino.symbols.timeSym]()`, a function that
// returns the time field as JSON text (`,"time":1700000000000`). An incident
// is written after its records were logged, so a replayed line would carry
// the time of writing. PinoTarget overrides that function on the child it
// writes through, with the record's time in the format the instance uses:
// the `time` key appears once, where pino puts it, in the user's format.
// `pino.symbols` is pino's documented hook for integrations; the symbol is
// found on the instance by its description because pino is not imported
// here (an optional peer: the user passes the instance).

const TIME_SYMBOL_DESCRIPTION = 'pino.time';
const STAMP = /^,"((?:[^"\\]|\\.)*)":(.*)$/s;

/** The `timeSym` of a pino instance (own or inherited), or undefined when pino changed it. */
export function findTimeSymbol(logger: PinoInstance): symbol | undefined {
  for (let object: object | null = logger; object !== null; object = Object.getPrototypeOf(object)) {
    for (const symbol of Object.getOwnPropertySymbols(object)) {
      if (symbol.description === TIME_SYMBOL_DESCRIPTION) return symbol;
    }
  }
  return undefined;
}

/** Turns an epoch-ms time into the instance's time field, or undefined when its format is not one of pino's. */
export type TimeStamper = (timestamp: number) => string;

/**
 * The stamper matching what `timeFunction` returns now: pino's
 * `stdTimeFunctions` (epochTime, the default; unixTime; isoTime and
 * isoTimeNano; nullTime, `timestamp: false`), under any key. Undefined for a
 * custom format it cannot reproduce.
 */
export function stamperFor(timeFunction: () => string): TimeStamper | undefined {
  const sample = timeFunction();
  if (sample === '') return () => '';
  const match = STAMP.exec(sample);
  if (match === null) return undefined;
  const head = `,"${match[1]}":`;
  const value = match[2];
  if (/^\d+$/.test(value)) {
    // Seconds (unixTime) or milliseconds (epochTime): a second count is ~1000 times smaller than now in ms.
    const seconds = Number(value) < Date.now() / 100;
    return seconds ? (timestamp) => `${head}${Math.round(timestamp / 1000)}` : (timestamp) => `${head}${timestamp}`;
  }
  const iso = /^"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.(\d+))?Z"$/.exec(value);
  if (iso !== null) {
    // isoTimeNano writes nine fraction digits: the record's milliseconds, then zeros.
    const extraDigits = '0'.repeat(Math.max(0, (iso[1]?.length ?? 3) - 3));
    return (timestamp) => `${head}"${new Date(timestamp).toISOString().slice(0, -1)}${extraDigits}Z"`;
  }
  return undefined;
}
