import * as fs from 'node:fs';
import * as path from 'node:path';

/** The file read when none is named: RotatingFileTarget's usual filename, in the working directory. */
export const DEFAULT_FILE = 'incidents.log';
const BACKUP = /^(.*)\.([1-9]\d*)$/;

/** A file named on the command line that cannot be read: exit code 2. */
export class FileError extends Error {}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** `incidents.log.3`, `incidents.log.2`, `incidents.log.1` next to `base`: oldest first, gaps tolerated (a rotation cut by SIGKILL). */
function backupsOf(base: string): string[] {
  const dir = path.dirname(base);
  const name = path.basename(base);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .map((entry) => BACKUP.exec(entry))
    .filter((match): match is RegExpExecArray => match !== null && match[1] === name)
    .map((match) => ({ number: Number(match[2]), file: path.join(dir, match[0]) }))
    .filter(({ file }) => isFile(file))
    .sort((a, b) => b.number - a.number)
    .map(({ file }) => file);
}

/**
 * The files to read, in write order. A base file (a name not ending in `.N`)
 * brings its backups, `.N` … `.1` then itself, as RotatingFileTarget
 * rotates them, unless one of them is named too: files named one by one are
 * read as given, in the order given. A base whose file is missing while
 * backups exist (a rotation cut between its renames) is read as its backups.
 */
export function resolveRotatedSet(args: readonly string[], cwd: string): string[] {
  if (args.length === 0) {
    const fallback = path.join(cwd, DEFAULT_FILE);
    if (!isFile(fallback) && backupsOf(fallback).length === 0) {
      throw new FileError(`no file named, and ./${DEFAULT_FILE} does not exist here (${cwd}): name the RotatingFileTarget's filename`);
    }
    return [...backupsOf(fallback), ...(isFile(fallback) ? [fallback] : [])].map((file) => path.relative(cwd, file) || file);
  }
  const named = new Set(args.map((arg) => path.resolve(cwd, arg)));
  const files: string[] = [];
  for (const arg of args) {
    const absolute = path.resolve(cwd, arg);
    const exists = isFile(absolute);
    if (!exists && fs.existsSync(absolute)) throw new FileError(`${arg} is not a file`);
    const match = BACKUP.exec(path.basename(absolute));
    const backups = match ? [] : backupsOf(absolute);
    const expand = backups.length > 0 && !backups.some((backup) => named.has(backup));
    if (!exists && !expand) throw new FileError(`${arg}: no such file`);
    // Shown as the user wrote them: backups next to the name they gave.
    if (expand) files.push(...backups.map((backup) => path.join(path.dirname(arg), path.basename(backup))));
    if (exists) files.push(arg);
  }
  return files;
}
