// A real redis-server for the BullMQ e2e spec: installed when missing by
// scripts/ensure-redis.sh, started per spec file on a free loopback port with no
// persistence and a temp working directory, stopped (and the directory removed)
// in afterAll.
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const ENSURE_REDIS = path.join(__dirname, '..', '..', 'scripts', 'ensure-redis.sh');
const HOST = '127.0.0.1';

/**
 * Runs scripts/ensure-redis.sh (installs Debian's redis-server when it can):
 * `undefined` when redis-server is there, else why it is not (the script's message).
 * Synchronous, so a spec can pick `describe` or `describe.skip` when it loads.
 */
export function ensureRedis(): string | undefined {
  const result = spawnSync('bash', [ENSURE_REDIS], { encoding: 'utf8', timeout: 600_000 });
  if (result.status === 0) return undefined;
  const said = `${result.stderr ?? ''}`.trim().split('\n').pop();
  return said || `scripts/ensure-redis.sh failed (${result.error?.message ?? `exit ${result.status}`})`;
}

export interface RedisServer {
  host: string;
  port: number;
  stop(): Promise<void>;
}

/** A port the system had free a moment ago (redis-server cannot listen on port 0 and say which it got). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Sends one inline command on a fresh connection and resolves to the first reply line (rejects if none). */
function command(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, HOST);
    let reply = '';
    socket.setEncoding('utf8');
    socket.once('error', reject);
    socket.once('connect', () => socket.write(`${text}\r\n`));
    socket.on('data', (chunk: string) => {
      reply += chunk;
      const end = reply.indexOf('\r\n');
      if (end !== -1) {
        socket.destroy();
        resolve(reply.slice(0, end));
      }
    });
    socket.once('close', () => reject(new Error(`redis closed the connection; got ${JSON.stringify(reply)}`)));
  });
}

/** Polls PING until the server answers PONG: a wait, never a timing assertion. */
async function waitForPong(port: number, child: ChildProcess, output: () => string): Promise<void> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`redis-server exited (${child.exitCode ?? child.signalCode}) before answering PING:\n${output()}`);
    }
    try {
      if ((await command(port, 'PING')) === '+PONG') return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`redis-server on port ${port} never answered PING:\n${output()}`);
}

async function startOnce(): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'incident-redis-'));
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      HOST,
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--daemonize',
      'no',
      '--loglevel',
      'warning',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPong(port, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { host: HOST, port, stop };
}

/** Starts redis-server on a free loopback port (another try if the port was taken meanwhile). */
export async function startRedis(): Promise<RedisServer> {
  let failure: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce();
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
}
