import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { SchedulerRegistry } from '@nestjs/schedule';
import { IncidentBuffer } from '../../lib';
import { bootstrap } from './main';

const bold = process.stdout.isTTY ? (text: string) => `\x1b[1m${text}\x1b[22m` : (text: string) => text;
/** One step of the story: a blank line, then its lines in bold. */
const say = (...lines: string[]) => process.stdout.write(`\n${lines.map(bold).join('\n')}\n`);

/** One request as user `userId` (the sample's UserGuard reads it from `x-user-id`); resolves to the status. */
async function get(base: string, path: string, userId: string): Promise<number> {
  const res = await fetch(`${base}${path}`, { headers: { 'x-user-id': userId } });
  await res.text();
  return res.status;
}

/** The `reason=` of each incident header in `text`. */
const reasons = (text: string) => [...text.matchAll(/^=== INCIDENT .*\| reason=(\w+) /gm)].map((match) => match[1]);

/** Runs the sample end to end: quiet traffic, a burst that exhausts the pool, a 500 nobody logs, a storm, a failing cron job, shutdown. */
async function main(): Promise<void> {
  const app = await bootstrap(0);
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  // Outside a request, IncidentBuffer shows the global buffer (and the module's counters).
  const incidents = app.get(IncidentBuffer);
  let printed = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    printed += String(chunk);
    return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  const problems: string[] = [];
  const expect = (ok: boolean, problem: string) => ok || problems.push(problem);

  say(
    `1. The orders service is up (${base}). Its boot lines went into the global buffer: ${incidents.snapshot().length} records, nothing printed.`,
  );
  say('2. Five requests, one at a time. Each logs about 10 debug lines; none fails, so nothing is printed:');
  for (let i = 1; i <= 5; i++) process.stdout.write(`   GET /orders/${i} -> ${await get(base, `/orders/${i}`, `u-${i}`)}\n`);

  say(
    '3. A burst of 9 concurrent requests against a pool of 3 connections. The ones that wait too long fail,',
    '   and each failure prints the story of *its* request only (not the lines of the 8 others). The header',
    "   names the request's user (`fields: userId=…`: the sample's guard calls IncidentBuffer.assign):",
  );
  let mark = printed.length;
  const statuses = await Promise.all(Array.from({ length: 9 }, (_, i) => get(base, `/orders/${100 + i}`, `u-${100 + i}`)));
  const failed = statuses.filter((status) => status === 503).length;
  const burst = reasons(printed.slice(mark)).length;
  say(`4. Result: ${statuses.length - failed} x 200, ${failed} x 503, ${burst} incident(s) printed above.`);
  expect(burst > 0 && burst === failed, `one incident per failed request, got ${burst} for ${failed}`);

  say(
    '5. A bug nobody logs: GET /orders/7/invoice throws InternalServerErrorException, and Nest does not log',
    "   HttpExceptions. The 500 itself writes the request's incident (reason=status), naming the exception:",
  );
  mark = printed.length;
  const invoice = await get(base, '/orders/7/invoice', 'u-7');
  expect(invoice === 500 && reasons(printed.slice(mark)).join() === 'status', `one status incident for the 500, got ${invoice}`);

  say(
    '6. The nightly cron job (ReportsJob.nightly, @Cron + @IncidentScoped) runs now and fails. Its run has a scope',
    '   of its own: one incident with its lines (reason=rejected), then the scheduler logs the same error itself,',
    "   written as that line alone and linked to the job's incident (links=…), not as the global buffer's window:",
  );
  mark = printed.length;
  await app.get(SchedulerRegistry).getCronJob('nightly-report').fireOnTick();
  const job = reasons(printed.slice(mark));
  expect(
    job.join() === 'rejected,level' && /\| links=[0-9a-f-]+ \|/.test(printed.slice(mark)),
    `a rejected job incident, then its linked line; got ${job.join()}`,
  );

  const before = incidents.stats();
  say(
    "7. The 2am storm: 200 concurrent requests to GET /orders/:id/tracking while the carrier's API is down.",
    '   Storm control (`storm` in app.module.ts) prints the first 3 in full, then the error line alone (reason=repeat),',
    '   and holds back the rest once 20 incidents were written this minute:',
  );
  mark = printed.length;
  const storm = await Promise.all(Array.from({ length: 200 }, (_, i) => get(base, `/orders/${200 + i}/tracking`, `u-${200 + i}`)));
  const after = incidents.stats();
  const full = reasons(printed.slice(mark)).filter((reason) => reason === 'level').length;
  const repeated = after.repeated - before.repeated;
  const suppressed = after.suppressed - before.suppressed;
  say(
    `8. Result: ${storm.filter((status) => status === 502).length} x 502: ${full} full incidents, ${repeated} repeat lines, ` +
      `${suppressed} suppressed (from IncidentBuffer.stats()).`,
  );
  expect(
    full === 3 && repeated > 0 && suppressed > 0 && full + repeated + suppressed === storm.length,
    `storm: 3 full, then repeats, the rest suppressed; got ${full}, ${repeated}, ${suppressed}`,
  );

  say('9. At shutdown, storm control writes one summary of what it held back (reason=suppressed):');
  mark = printed.length;
  await app.close(); // writes the summary, then flushes the file target
  expect(reasons(printed.slice(mark)).join() === 'suppressed', 'one suppressed summary at shutdown');

  const file = process.env.INCIDENT_LOG ?? 'incidents.log';
  const firstId = /^=== INCIDENT ([0-9a-f-]+)/m.exec(printed)?.[1];
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => firstId && line.includes(firstId));
  say(`10. The same incidents are in ${file} as JSON lines. \`grep ${firstId} ${file}\` returns the whole first one:`);
  process.stdout.write(`${lines.join('\n')}\n`);
  if (problems.length > 0) {
    process.stderr.write(`demo: ${problems.join('; ')}\n`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
