import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { SchedulerRegistry } from '@nestjs/schedule';
import { IncidentBuffer } from '../../lib';
import { bootstrap } from './main';
import { bootstrapPayments } from './payments/main';

/** The W3C trace context a gateway in front of the orders service would send. */
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

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

/** Each incident header of `text`: its id and the header line. */
const headers = (text: string) => [...text.matchAll(/^=== INCIDENT ([0-9a-f-]+) (.*)$/gm)].map(([, id, header]) => ({ id, header }));

/**
 * The package's viewer, run as a user would (`npx nestjs-incident-logger …`): the CLI
 * built with the sample (sample/dist/lib/viewer/cli.js), or its source when the demo
 * itself runs from source (the process test: same loader flags as this process).
 */
function viewer(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  process.stdout.write(`   $ npx nestjs-incident-logger ${args.join(' ')}\n`);
  const cli = path.join(__dirname, '../../lib/viewer', `cli${path.extname(__filename)}`);
  return spawnSync(process.execPath, [...process.execArgv, cli, ...args], { encoding: 'utf8' });
}

/** Resolves once `done()` holds, checking at each turn of the event loop for at most `ms`. */
async function settle(done: () => boolean, ms = 5_000): Promise<void> {
  for (const end = Date.now() + ms; !done() && Date.now() < end;) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Runs the sample end to end: quiet traffic, a call to payments that fails once, a burst that exhausts the pool, a 500 nobody logs, a failing cron job, a storm, shutdown, the viewer. */
async function main(): Promise<void> {
  // The file target appends: the viewer step lists this run's incidents only (`--since`).
  const started = new Date().toISOString();
  // The payments service first: the orders service calls it at PAYMENTS_URL.
  const payments = await bootstrapPayments(0);
  process.env.PAYMENTS_URL = (await payments.getUrl()).replace('[::1]', '127.0.0.1');
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
    `1. Two services are up, each with its own IncidentLoggerModule: orders (${base}) and payments (${process.env.PAYMENTS_URL}).`,
    `   Their boot lines went into their global buffers (orders: ${incidents.snapshot().length} records), nothing printed.`,
  );
  say('2. Five requests, one at a time. Each logs about 10 debug lines; none fails, so nothing is printed:');
  for (let i = 1; i <= 5; i++) process.stdout.write(`   GET /orders/${i} -> ${await get(base, `/orders/${i}`, `u-${i}`)}\n`);

  say(
    '3. POST /orders/42/pay: orders calls payments (fetch, a real HTTP call). Payments fails the first charge of an order:',
    '   it prints its incident (POST /payments/42, reason=level) and answers 500 naming it in x-incident-id. Orders retries,',
    '   succeeds and logs nothing at warn, yet writes its window as reason=downstream, links=<the payments incident id>.',
    '   The demo sends a traceparent like a gateway would: both incidents carry one trace id and one request id:',
  );
  let mark = printed.length;
  const paid = await fetch(`${base}/orders/42/pay`, { method: 'POST', headers: { 'x-user-id': 'u-42', traceparent: TRACEPARENT } });
  await paid.text();
  // The downstream incident is written when the orders request's scope ends, as its response finishes.
  await settle(() => printed.slice(mark).includes('reason=downstream'));
  const linked = headers(printed.slice(mark));
  const [charge, order] = linked;
  const links = /\| links=([0-9a-f-]+) \|/.exec(order?.header ?? '')?.[1];
  const trace = (header = '') => /\| trace=(\w+)\//.exec(header)?.[1];
  const request = (header = '') => /\| request=([0-9a-f-]+) \|/.exec(header)?.[1];
  say(
    `4. Result: ${paid.status}, x-incident-id: ${paid.headers.get('x-incident-id')}. The orders incident links ${links}, ` +
      `the payments incident printed just before it; both in trace ${trace(order?.header)}, request ${request(order?.header)}.`,
  );
  expect(
    paid.status === 201 &&
      linked.length === 2 &&
      charge.header.includes('| POST /payments/42 |') &&
      charge.header.includes('| reason=level |') &&
      order.header.includes('| POST /orders/42/pay |') &&
      order.header.includes('| reason=downstream |') &&
      order.id === paid.headers.get('x-incident-id') &&
      links === charge.id &&
      trace(charge.header) === TRACE_ID &&
      trace(order.header) === TRACE_ID &&
      request(charge.header) === request(order.header),
    `a payments incident, then the orders incident linking it in one trace; got ${paid.status}, ${JSON.stringify(linked)}`,
  );

  say(
    '5. A burst of 9 concurrent requests against a pool of 3 connections. The ones that wait too long fail,',
    '   and each failure prints the story of *its* request only (not the lines of the 8 others). The header',
    "   names the request's user (`fields: userId=…`: the sample's guard calls IncidentBuffer.assign):",
  );
  mark = printed.length;
  const statuses = await Promise.all(Array.from({ length: 9 }, (_, i) => get(base, `/orders/${100 + i}`, `u-${100 + i}`)));
  const failed = statuses.filter((status) => status === 503).length;
  const burst = reasons(printed.slice(mark)).length;
  say(`6. Result: ${statuses.length - failed} x 200, ${failed} x 503, ${burst} incident(s) printed above.`);
  expect(burst > 0 && burst === failed, `one incident per failed request, got ${burst} for ${failed}`);

  say(
    '7. A bug nobody logs: GET /orders/7/invoice throws InternalServerErrorException, and Nest does not log',
    "   HttpExceptions. The 500 itself writes the request's incident (reason=status), naming the exception:",
  );
  mark = printed.length;
  const invoice = await get(base, '/orders/7/invoice', 'u-7');
  expect(invoice === 500 && reasons(printed.slice(mark)).join() === 'status', `one status incident for the 500, got ${invoice}`);

  say(
    '8. The nightly cron job (ReportsJob.nightly, @Cron + @IncidentScoped) runs now and fails. Its run has a scope',
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
    "9. The 2am storm: 200 concurrent requests to GET /orders/:id/tracking while the carrier's API is down.",
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
    `10. Result: ${storm.filter((status) => status === 502).length} x 502: ${full} full incidents, ${repeated} repeat lines, ` +
      `${suppressed} suppressed (from IncidentBuffer.stats()).`,
  );
  expect(
    full === 3 && repeated > 0 && suppressed > 0 && full + repeated + suppressed === storm.length,
    `storm: 3 full, then repeats, the rest suppressed; got ${full}, ${repeated}, ${suppressed}`,
  );

  say('11. At shutdown, storm control writes one summary of what it held back (reason=suppressed):');
  mark = printed.length;
  await app.close(); // writes the summary, then flushes the file target
  expect(reasons(printed.slice(mark)).join() === 'suppressed', 'one suppressed summary at shutdown');

  await payments.close();

  const file = process.env.INCIDENT_LOG ?? 'incidents.log';
  say(
    `12. The orders service also wrote its incidents to ${file} (JSON lines). The package's viewer lists this run's`,
    '    (--since: the file target appends), oldest first: time, id, reason, records, request, trigger. The first 4 lines:',
  );
  const list = viewer('list', file, '--since', started);
  const listed = list.stdout.trimEnd().split('\n');
  process.stdout.write(`${listed.slice(0, 4).join('\n')}\n   … ${listed.length - 4} more\n`);
  const written = headers(printed).filter(({ header }) => !header.includes('| POST /payments/'));
  const firstId = written[0]?.id;
  expect(
    list.status === 0 && list.stderr === '' && listed.length === written.length && listed[0].includes(`${firstId}  downstream`),
    `the viewer lists every orders incident, the downstream one first; got ${list.status}, ${list.stderr}, ${listed.length} lines`,
  );
  say('13. `show` prints one incident as a block to paste into a ticket; here the first, whose links= names the payments incident:');
  const show = viewer('show', firstId ?? '', file);
  process.stdout.write(show.stdout);
  expect(
    show.status === 0 &&
      show.stderr === '' &&
      show.stdout.startsWith(`=== INCIDENT ${firstId} `) &&
      show.stdout.includes(`| links=${links} |`),
    `show prints the downstream incident with its link; got ${show.status}, ${show.stderr}`,
  );
  if (problems.length > 0) {
    process.stderr.write(`demo: ${problems.join('; ')}\n`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
