import * as path from 'node:path';
import { escapeText, stringifyJsonLine } from '../format/escape.util';
import { DamageTally } from './damage-tally';
import { IncidentReader, ReaderOptions } from './incident-reader';
import { readLines } from './line-reader';
import { listJson, listLine, matchesFilters } from './list-output';
import type { ReadIncident } from './read-incident.interface';
import { incidentAsJson, incidentAsText } from './rebuild-incident';
import { FileError, resolveRotatedSet } from './rotated-set';
import { ListFilters, parseViewerArgs, USAGE, UsageError } from './viewer-args';
import { ViewerOutput } from './viewer-output';

export const PROGRAM = 'nestjs-incident-logger';

/** Exit codes (docs/viewer.md). */
export const EXIT_OK = 0;
export const EXIT_NOT_FOUND = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 3;

export interface ViewerIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
  /** Epoch ms that relative times (`--since 15m`) count back from. */
  now: number;
}

/** Reads the files in order through one reader; false when it was stopped before the end. */
async function readAll(files: readonly string[], io: ViewerIo, out: ViewerOutput, options: ReaderOptions): Promise<void> {
  const reader = new IncidentReader(options);
  for (const file of files) {
    let reading: boolean;
    try {
      reading = await readLines(
        path.resolve(io.cwd, file),
        (line) => reader.push({ ...line, file }),
        () => out.flush(),
      );
    } catch (error) {
      throw new FileError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    if (!reading || !reader.endFile()) break;
  }
  await out.flush();
}

async function list(files: readonly string[], filters: ListFilters, json: boolean, io: ViewerIo, tally: DamageTally): Promise<number> {
  const out = new ViewerOutput(io.stdout);
  await readAll(files, io, out, {
    grep: filters.grep,
    tally,
    onIncident: (read) => {
      if (matchesFilters(read, filters)) out.write(json ? listJson(read) : listLine(read));
      return out.open;
    },
  });
  return EXIT_OK;
}

function printShown(read: ReadIncident, json: boolean): string {
  try {
    if (json) {
      // Written by the JSON format: its own lines, re-serialised so no raw control reaches the terminal.
      if (read.format === 'json') return `${(read.lines ?? []).map((line) => stringifyJsonLine(JSON.parse(line))).join('\n')}\n`;
      return incidentAsJson(read);
    }
    // Written by the text format: its own block; escaping again changes nothing in lines the target wrote.
    if (read.format === 'text') return `${(read.lines ?? []).map(escapeText).join('\n')}\n`;
    return incidentAsText(read);
  } catch {
    // A header a newer writer shaped differently: the lines as read, rather than nothing.
    return `${(read.lines ?? []).map(escapeText).join('\n')}\n`;
  }
}

async function show(files: readonly string[], id: string, json: boolean, io: ViewerIo, tally: DamageTally): Promise<number> {
  const out = new ViewerOutput(io.stdout);
  let found: ReadIncident | undefined;
  // A prefix must be unique, so it reads every file; a whole id stops at its incident.
  const others = new Set<string>();
  await readAll(files, io, out, {
    tally,
    keep: (header) => header.incident.startsWith(id) && (found === undefined || header.incident === found.id) && !found?.complete,
    onIncident: (read) => {
      if (!read.id.startsWith(id)) return true;
      if (found === undefined || (found.id === read.id && !found.complete && read.complete)) found = read;
      else if (read.id !== found.id) others.add(read.id);
      return !(read.id === id && read.complete);
    },
  });
  if (!found) {
    io.stderr.write(`${PROGRAM}: no incident ${escapeText(id)} in ${escapeText(files.join(', '))}\n`);
    return EXIT_NOT_FOUND;
  }
  if (others.size > 0) {
    const ids = [found.id, ...others].slice(0, 10).join(', ');
    io.stderr.write(
      `${PROGRAM}: ${escapeText(id)} is the start of ${others.size + 1} incident ids (${escapeText(ids)}): give more of it\n`,
    );
    return EXIT_NOT_FOUND;
  }
  out.write(printShown(found, json));
  await out.flush();
  if (found.omittedLines > 0) {
    io.stderr.write(`${PROGRAM}: incident ${found.id} is larger than 64 MiB: ${found.omittedLines} lines not shown\n`);
  }
  return EXIT_OK;
}

/**
 * The viewer: `list` and `show` over incident files. Never throws: usage
 * and file errors are reported on stderr with their exit code, damaged lines
 * are counted and reported after the output.
 */
export async function runViewer(argv: readonly string[], io: ViewerIo): Promise<number> {
  const tally = new DamageTally();
  try {
    const command = parseViewerArgs(argv, io.now);
    if (command.command === 'help') {
      io.stdout.write(USAGE);
      return EXIT_OK;
    }
    const files = resolveRotatedSet(command.files, io.cwd);
    return command.command === 'list'
      ? await list(files, command.filters, command.json, io, tally)
      : await show(files, command.id, command.json, io, tally);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`${PROGRAM}: ${escapeText(error.message)}\n\n${USAGE}`);
      return EXIT_USAGE;
    }
    if (error instanceof FileError) {
      io.stderr.write(`${PROGRAM}: ${escapeText(error.message)}\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`${PROGRAM}: internal error, please report it: ${escapeText(String((error as Error)?.stack ?? error))}\n`);
    return EXIT_INTERNAL;
  } finally {
    io.stderr.write(tally.render(PROGRAM));
  }
}
