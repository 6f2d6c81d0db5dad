import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import * as path from 'node:path';

const REGISTER = path.join(__dirname, 'ts-register.js');

/** Runs a TypeScript fixture in a child process and waits for it to exit. */
export function runFixture(
  fixture: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
  nodeArgs: string[] = [],
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [...nodeArgs, '-r', REGISTER, fixture, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 120_000,
  });
}
