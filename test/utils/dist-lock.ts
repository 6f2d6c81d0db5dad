import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// dist/ is shared by two specs that Jest may run at the same time in two
// workers: the Nest 10 compat spec rebuilds it (`npm run build` deletes it
// first) and packs it, and the bench smoke loads it (and builds it when it is
// missing or stale). Each holds this lock while it touches dist/. The lock is a
// directory (mkdir is atomic) in the temp dir, one per checkout, holding the
// owner's pid; a lock whose owner died (an interrupted run) is taken over.
const ROOT = path.resolve(__dirname, '../..');
const LOCK = path.join(os.tmpdir(), `nestjs-incident-logger-dist-${createHash('sha1').update(ROOT).digest('hex').slice(0, 12)}.lock`);
const OWNER = path.join(LOCK, 'pid');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryAcquire(): boolean {
  try {
    fs.mkdirSync(LOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    let owner = Number.NaN;
    try {
      owner = Number(fs.readFileSync(OWNER, 'utf8'));
    } catch {
      // Just created: its owner is writing the pid.
    }
    if (!Number.isInteger(owner) || owner <= 0 || alive(owner)) return false;
    fs.rmSync(LOCK, { recursive: true, force: true });
    return tryAcquire();
  }
  fs.writeFileSync(OWNER, String(process.pid));
  return true;
}

/** Runs `fn` (synchronous) while no other spec of this checkout touches dist/. Waits as long as the caller's hook timeout allows. */
export async function withDistLock<T>(fn: () => T): Promise<T> {
  while (!tryAcquire()) await new Promise((resolve) => setTimeout(resolve, 100));
  try {
    return fn();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}
