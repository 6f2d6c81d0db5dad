import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { IncidentBuffer } from '../../lib';
import { bootstrap } from './main';

const bold = process.stdout.isTTY ? (text: string) => `\x1b[1m${text}\x1b[22m` : (text: string) => text;
/** One step of the story: a blank line, then its lines in bold. */
const say = (...lines: string[]) => process.stdout.write(`\n${lines.map(bold).join('\n')}\n`);

async function get(base: string, path: string): Promise<number> {
  const res = await fetch(`${base}${path}`);
  await res.text();
  return res.status;
}

/** Runs the sample end to end: quiet traffic, then a burst that exhausts the pool. */
async function main(): Promise<void> {
  const app = await bootstrap(0);
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  // Outside a request, IncidentBuffer shows the global buffer.
  const globalBuffer = app.get(IncidentBuffer);
  let incidents = 0;
  let printed = '';
  const countIncidents = (chunk: string | Uint8Array) => {
    incidents += (String(chunk).match(/^=== INCIDENT /gm) ?? []).length;
    printed += String(chunk);
  };
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    countIncidents(chunk);
    return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;

  say(
    `1. The orders service is up (${base}). Its boot lines went into the global buffer: ${globalBuffer.snapshot().length} records, nothing printed.`,
  );
  say('2. Five requests, one at a time. Each logs about 10 debug lines; none fails, so nothing is printed:');
  for (let i = 1; i <= 5; i++) process.stdout.write(`   GET /orders/${i} -> ${await get(base, `/orders/${i}`)}\n`);

  say(
    '3. A burst of 9 concurrent requests against a pool of 3 connections. The ones that wait too long fail,',
    '   and each failure prints the story of *its* request only (not the lines of the 8 others):',
  );
  const statuses = await Promise.all(Array.from({ length: 9 }, (_, i) => get(base, `/orders/${100 + i}`)));
  const failed = statuses.filter((status) => status === 503).length;
  say(`4. Result: ${statuses.length - failed} x 200, ${failed} x 503, ${incidents} incident(s) printed above.`);
  await app.close(); // flushes the file target
  const file = process.env.INCIDENT_LOG ?? 'incidents.log';
  const firstId = /^=== INCIDENT ([0-9a-f-]+)/m.exec(printed)?.[1];
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => firstId && line.includes(firstId));
  say(`5. The same incidents are in ${file} as JSON lines. \`grep ${firstId} ${file}\` returns the whole first one:`);
  process.stdout.write(`${lines.join('\n')}\n`);
  if (incidents === 0 || incidents !== failed) {
    process.stderr.write(`demo: expected one incident per failed request, got ${incidents} for ${failed}\n`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
