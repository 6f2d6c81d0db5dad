import type { IncidentTarget } from '../interfaces/incident-target.interface';
import type { ResolvedIncidentLoggerOptions } from '../options/resolved-options.interface';
import { ALL_LOG_LEVELS, LOG_LEVEL_VALUES } from '../shared/log-levels';

const MAX_NAME = 80;

/** `ConsoleTarget`, `RotatingFileTarget (/var/log/app/incidents.log)`, `NotifierTarget`: what a user would recognise. */
function describeTarget(target: IncidentTarget | (abstract new (...args: never[]) => IncidentTarget)): string {
  try {
    const name = typeof target === 'function' ? target.name : (target as object).constructor?.name;
    const label = typeof name === 'string' && name !== '' && name !== 'Object' ? name.slice(0, MAX_NAME) : 'custom target';
    const filename = typeof target === 'object' ? (target as { filename?: unknown }).filename : undefined;
    return typeof filename === 'string' ? `${label} (${filename})` : label;
  } catch {
    return 'custom target';
  }
}

/**
 * The startup line: the module is active, what it keeps, when it writes and
 * where. Nest's own boot lines are buffered too, so without it a healthy
 * start prints nothing at all.
 */
export function startupNotice(options: ResolvedIncidentLoggerOptions, enabled: readonly boolean[]): string {
  const flushValue = LOG_LEVEL_VALUES[options.flushLevel];
  const buffered = ALL_LOG_LEVELS.filter((level) => enabled[LOG_LEVEL_VALUES[level]] && LOG_LEVEL_VALUES[level] < flushValue);
  const targets = options.targets === undefined ? 'ConsoleTarget (stderr)' : options.targets.map(describeTarget).join(', ');
  const keeps =
    buffered.length === 0 ? 'buffers nothing' : `keeps the last ${options.bufferSize} ${buffered.join('/')} records of each request`;
  return `active: ${keeps}, silently; a record at ${options.flushLevel} or above writes them as one incident to ${targets}. (startupNotice: false hides this line)`;
}

/** The warning when Nest's `Logger` does not go through the module. */
export const NOT_INSTALLED_WARNING =
  "Nest's logger is not IncidentLogger: records of `new Logger()` go to Nest's ConsoleLogger, not to the incident buffers. " +
  'Create the app with { bufferLogs: true } and call app.useLogger(app.get(IncidentLogger)).';
