import * as fs from 'node:fs';

export type Callback<T> = (error: NodeJS.ErrnoException | null, value: T) => void;

/**
 * The fs calls the rotating file target makes, as one object so tests can
 * inject faults (ENOSPC, short writes, slow writes) on both the synchronous
 * and the asynchronous paths. Stats are BigInt so inode numbers compare exactly.
 */
export interface RotatingFileSystem {
  openSync(path: string, flags: number, mode: number): number;
  closeSync(fd: number): void;
  close(fd: number, callback: (error: NodeJS.ErrnoException | null) => void): void;
  fstatSync(fd: number): fs.BigIntStats;
  fstat(fd: number, callback: Callback<fs.BigIntStats>): void;
  /** `lstat` when `follow` is false, `stat` otherwise. */
  statPath(path: string, follow: boolean, callback: Callback<fs.BigIntStats>): void;
  statPathSync(path: string, follow: boolean): fs.BigIntStats | undefined;
  fchmodSync(fd: number, mode: number): void;
  chmodSync(path: string, mode: number): void;
  mkdirSync(path: string, options: { recursive: true; mode: number }): string | undefined;
  renameSync(from: string, to: string): void;
  /** `position` null writes at the descriptor's offset (pipes, devices). */
  writeSync(fd: number, buffer: Buffer, offset: number, length: number, position: number | null): number;
  write(fd: number, buffer: Buffer, offset: number, length: number, position: number | null, callback: Callback<number>): void;
  ftruncateSync(fd: number, length: number): void;
  fdatasyncSync(fd: number): void;
  fdatasync(fd: number, callback: (error: NodeJS.ErrnoException | null) => void): void;
}

export const nodeFileSystem: RotatingFileSystem = {
  openSync: (path, flags, mode) => fs.openSync(path, flags, mode),
  closeSync: (fd) => fs.closeSync(fd),
  close: (fd, callback) => fs.close(fd, callback),
  fstatSync: (fd) => fs.fstatSync(fd, { bigint: true }),
  fstat: (fd, callback) => fs.fstat(fd, { bigint: true }, callback),
  statPath: (path, follow, callback) => (follow ? fs.stat : fs.lstat)(path, { bigint: true }, callback),
  statPathSync: (path, follow) => (follow ? fs.statSync : fs.lstatSync)(path, { bigint: true, throwIfNoEntry: false }),
  fchmodSync: (fd, mode) => fs.fchmodSync(fd, mode),
  chmodSync: (path, mode) => fs.chmodSync(path, mode),
  mkdirSync: (path, options) => fs.mkdirSync(path, options),
  renameSync: (from, to) => fs.renameSync(from, to),
  writeSync: (fd, buffer, offset, length, position) => fs.writeSync(fd, buffer, offset, length, position),
  write: (fd, buffer, offset, length, position, callback) => fs.write(fd, buffer, offset, length, position, callback),
  ftruncateSync: (fd, length) => fs.ftruncateSync(fd, length),
  fdatasyncSync: (fd) => fs.fdatasyncSync(fd),
  fdatasync: (fd, callback) => fs.fdatasync(fd, callback),
};
