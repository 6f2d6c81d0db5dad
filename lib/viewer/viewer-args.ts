/** A command line the viewer cannot run: printed with the usage, exit code 2. */
export class UsageError extends Error {}

export interface ListFilters {
  /** Epoch ms: incidents whose time is at or after it. */
  since?: number;
  /** Epoch ms: incidents whose time is at or before it. */
  until?: number;
  grep?: string;
  reasons?: string[];
  request?: string;
}

export type ViewerCommand =
  | { command: 'help' }
  | { command: 'list'; files: string[]; filters: ListFilters; json: boolean }
  | { command: 'show'; id: string; files: string[]; json: boolean };

export const USAGE = `Usage:
  nestjs-incident-logger list [files…] [--since T] [--until T] [--grep TEXT] [--reason R[,R…]] [--request ID] [--json]
  nestjs-incident-logger show <id or unique id prefix> [files…] [--json]

Files: the RotatingFileTarget's file (its backups .N … .1 are read first, oldest first),
or files named one by one (read as given). Default: ./incidents.log.
Times: ISO (2026-03-04T03:00:00Z, 2026-03-04) or relative to now (90s, 15m, 2h, 7d).
Exit codes: 0 read, 1 show found no such incident (or the prefix is ambiguous), 2 usage error or unreadable file.
`;

const UNITS_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const VALUE_OPTIONS = new Set(['--since', '--until', '--grep', '--reason', '--request']);

/** `15m`, `2h`, an ISO date or time → epoch ms. */
export function parseTime(option: string, text: string, now: number): number {
  const relative = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(text);
  if (relative) return now - Number(relative[1]) * UNITS_MS[relative[2]];
  const time = /^\d{4}-\d\d-\d\d/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new UsageError(
      `${option} must be an ISO time (2026-03-04T03:00:00Z) or a duration before now (15m, 2h, 7d); got ${JSON.stringify(text)}`,
    );
  }
  return time;
}

/** Reads `argv` (without node and the script); throws UsageError. */
export function parseViewerArgs(argv: readonly string[], now: number): ViewerCommand {
  const positional: string[] = [];
  const values = new Map<string, string>();
  let json = false;
  let help = false;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === '--') {
      positional.push(...argv.slice(index + 1));
      break;
    }
    if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--json') json = true;
    else if (arg.startsWith('--')) {
      const equals = arg.indexOf('=');
      const name = equals === -1 ? arg : arg.slice(0, equals);
      if (!VALUE_OPTIONS.has(name)) throw new UsageError(`unknown option ${name}`);
      const value = equals === -1 ? argv[++index] : arg.slice(equals + 1);
      if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
      if (values.has(name)) throw new UsageError(`${name} given twice`);
      values.set(name, value);
    } else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (help) return { command: 'help' };
  const [command, ...rest] = positional;
  if (command === undefined) throw new UsageError('no command: list or show');
  if (command === 'help') return { command: 'help' };
  if (command === 'list') {
    const since = values.get('--since');
    const until = values.get('--until');
    const reasons = values.get('--reason');
    return {
      command: 'list',
      files: rest,
      json,
      filters: {
        since: since === undefined ? undefined : parseTime('--since', since, now),
        until: until === undefined ? undefined : parseTime('--until', until, now),
        grep: values.get('--grep'),
        reasons: reasons?.split(',').filter((reason) => reason !== ''),
        request: values.get('--request'),
      },
    };
  }
  if (command === 'show') {
    const [id, ...files] = rest;
    if (id === undefined) throw new UsageError('show needs an incident id (or a unique prefix of one)');
    if (values.size > 0) throw new UsageError(`${[...values.keys()][0]} is an option of list, not show`);
    return { command: 'show', id, files, json };
  }
  throw new UsageError(`unknown command ${JSON.stringify(command)}: list or show`);
}
