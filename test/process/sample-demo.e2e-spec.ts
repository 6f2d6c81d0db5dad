import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runFixture } from '../utils/run-fixture';

/** The text between two step headings of the demo (`3. A burst` .. `4. Result`). */
function step(stdout: string, from: string, to: string): string {
  const start = stdout.indexOf(`\n${from}`);
  const end = stdout.indexOf(`\n${to}`, start);
  expect(start).toBeGreaterThan(-1);
  expect(end).toBeGreaterThan(start);
  return stdout.slice(start, end);
}

/** Each incident block of `text`: its header fields and its body (records), up to its end marker. */
function incidents(text: string): Array<{ id: string; header: string; reason: string; body: string }> {
  return text
    .split('=== INCIDENT ')
    .slice(1)
    .map((block) => {
      const header = block.slice(0, block.indexOf('\n'));
      const body = block.slice(header.length + 1, block.indexOf('=== END INCIDENT'));
      return { id: header.slice(0, header.indexOf(' ')), header, reason: /\| reason=(\w+) /.exec(header)![1], body };
    });
}

describe('sample demo (npm run demo), in a child process', () => {
  let dir: string;
  let file: string;
  let child: ReturnType<typeof runFixture>;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-demo-'));
    file = path.join(dir, 'incidents.log');
    child = runFixture(path.join(__dirname, '../../sample/src/demo.ts'), [], { INCIDENT_LOG: file });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("exits 0 with the two services' startup notices alone on stderr", () => {
    const notices = child.stderr.split('\n');
    expect(notices).toHaveLength(3);
    // Payments boots first (the default buffer of 30, its console target only); then orders, with the file too.
    expect(notices[0]).toMatch(
      /^\[nestjs-incident-logger\] active: keeps the last 30 verbose\/debug\/log records of each request, .* to ConsoleTarget\. /,
    );
    expect(notices[1]).toMatch(
      /^\[nestjs-incident-logger\] active: keeps the last 30 verbose\/debug\/log records of each request, .* to ConsoleTarget, RotatingFileTarget \(/,
    );
    expect(notices[2]).toBe('');
    expect(child.status).toBe(0);
  });

  it('links the orders incident to the payments incident of the call it recovered from, in one trace and one request', () => {
    const payments = /\n1\. Two services are up, .* and payments \((http:\/\/127\.0\.0\.1:\d+)\)\./.exec(child.stdout)?.[1];
    expect(payments).toBeDefined();
    const blocks = incidents(step(child.stdout, '3. POST /orders/42/pay', '4. Result'));
    expect(blocks.map((b) => b.reason)).toEqual(['level', 'downstream']);
    const [charge, order] = blocks;
    // Payments: its first charge of order 42 failed; Nest logged the error and answered 500.
    expect(charge.header).toMatch(/^[0-9a-f-]+ \| POST \/payments\/42 \| request=[0-9a-f-]+ \| reason=level \|/);
    expect(charge.body).toContain('DEBUG [PaymentsService] charging order 42: 41.98 EUR, attempt 1, idempotency key order-42\n');
    expect(charge.body).toMatch(/ERROR \[ExceptionsHandler\] charge of order 42 not captured: the acquirer timed out/);
    // Orders: recovered on the retry and logged nothing above debug, yet wrote its window, linked to the payments incident.
    expect(order.header).toMatch(/^[0-9a-f-]+ \| POST \/orders\/42\/pay \| request=[0-9a-f-]+ \| reason=downstream \|/);
    expect(order.header).toContain(`| links=${charge.id} |`);
    expect(order.header).toMatch(/\| outcome: status=201 durationMs=\d+ \|/);
    expect(order.header).toContain('| fields: userId=u-42 ===');
    const records = order.body.trimEnd().split('\n');
    expect(records.filter((line) => !/^\S+ +DEBUG \[(OrdersController|OrdersService|PaymentsClient)\] /.test(line))).toEqual([
      expect.stringMatching(new RegExp(`^\\S+ +WARN \\[IncidentLinks\\] POST ${payments}/payments/42 -> 500 \\(incident ${charge.id}\\)$`)),
      expect.stringMatching(/^\S+ +WARN \[IncidentOutcome\] POST \/orders\/42\/pay -> 201 in \d+ ms, after a failed call: /),
    ]);
    expect(order.body).toContain(`DEBUG [PaymentsClient] POST ${payments}/payments/42: 500, retrying once\n`);
    expect(order.body).toContain(`DEBUG [PaymentsClient] POST ${payments}/payments/42: 201, charge ch_42\n`);
    // One trace (the demo's traceparent, propagated by the orders service's fetch) and one request id.
    const trace = (header: string) => /\| trace=([0-9a-f]{32})\/[0-9a-f]{16} \|/.exec(header)?.[1];
    const request = (header: string) => /\| request=([0-9a-f-]+) \|/.exec(header)?.[1];
    expect(trace(charge.header)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(trace(order.header)).toBe(trace(charge.header));
    expect(request(order.header)).toBeDefined();
    expect(request(charge.header)).toBe(request(order.header));
    // The response named the orders incident, and the result line says what the headers say.
    expect(child.stdout).toContain(
      `\n4. Result: 201, x-incident-id: ${order.id}. The orders incident links ${charge.id}, the payments incident printed just before it; ` +
        `both in trace ${trace(order.header)}, request ${request(order.header)}.\n`,
    );
  });

  it('serves quiet traffic silently and prints one incident per failed request of the burst', () => {
    // A step's two lines stay together (no blank line mid-sentence).
    expect(child.stdout).toContain('The ones that wait too long fail,\n   and each failure prints');
    const result = child.stdout.match(/Result: (\d+) x 200, (\d+) x 503, (\d+) incident/);
    expect(result).not.toBeNull();
    const [, ok, failed, printed] = result!.map(Number);
    expect(ok + failed).toBe(9);
    expect(failed).toBeGreaterThan(0);
    expect(printed).toBe(failed);
    // Nothing printed for the five quiet requests: the first incident comes after the payments step starts.
    expect(child.stdout.indexOf('=== INCIDENT')).toBeGreaterThan(child.stdout.indexOf('3. POST /orders/42/pay'));
    const blocks = incidents(step(child.stdout, '5. A burst', '6. Result'));
    expect(blocks).toHaveLength(failed);
    // How many requests wait too long depends on the machine's load. Past 3 alike failures in a
    // minute, storm control (the sample's `storm.fullIncidents`) writes the error line alone.
    blocks.forEach(({ header, reason, body }, i) => {
      const id = /\| GET \/orders\/(\d+) \|/.exec(header)![1];
      // The user the sample's guard assigned to the request (IncidentBuffer.assign) is in the header.
      expect(header).toContain(`| fields: userId=u-${id}`);
      expect(body).toMatch(/ERROR \[OrdersService\] connection pool exhausted/);
      if (i >= 3) {
        expect([reason, body.trimEnd().split('\n').length]).toEqual(['repeat', 1]);
        return;
      }
      expect(reason).toBe('level');
      // Each incident holds its own request's lines only.
      expect(body).toContain(`GET /orders/${id}\n`);
      expect(body).toContain(`loading order ${id}\n`);
      expect(body.match(/loading order \d+/g)).toEqual([`loading order ${id}`]);
    });
  });

  it('writes the 500 nobody logged as a status incident naming the exception', () => {
    const blocks = incidents(step(child.stdout, '7. A bug nobody logs', '8. The nightly cron job'));
    expect(blocks.map((b) => b.reason)).toEqual(['status']);
    const [{ header, body }] = blocks;
    expect(header).toContain('| GET /orders/7/invoice |');
    expect(header).toMatch(/\| outcome: status=500 durationMs=\d+ \|/);
    expect(header).toContain('| fields: userId=u-7');
    // The request's own lines, then the synthetic trigger with the exception's name, message and stack.
    expect(body).toContain('DEBUG [OrdersController] GET /orders/7/invoice\n');
    expect(body).toContain('DEBUG [OrdersService] order 7: lines sum to 41.98, order total is 42.00\n');
    expect(body).toMatch(
      /ERROR \[IncidentOutcome\] GET \/orders\/7\/invoice -> 500 in \d+ ms: InternalServerErrorException: invoice of order 7: lines sum to 41\.98/,
    );
    expect(body).toMatch(/\n {4}InternalServerErrorException: invoice of order 7.*\n {8}at OrdersService\.invoice /);
    // No other request wrote a status incident: a logged failure (the 503s, the storm's 502s) is written once.
    expect(incidents(child.stdout).filter((b) => b.reason === 'status')).toHaveLength(1);
  });

  it("writes a failing cron job's run as its own incident, and the scheduler's line of the same error alone, linked to it", () => {
    const blocks = incidents(step(child.stdout, '8. The nightly cron job', '9. The 2am storm'));
    expect(blocks.map((b) => b.reason)).toEqual(['rejected', 'level']);
    const [job, scheduler] = blocks;
    expect(job.header).toMatch(/^[0-9a-f-]+ \| JOB ReportsJob\.nightly \| request=[0-9a-f-]+ \| reason=rejected \| records=4 /);
    expect(job.body).toContain('DEBUG [ReportsJob] exported 1,000 orders to the warehouse\n');
    expect(job.body).toMatch(
      /ERROR \[IncidentOutcome\] JOB ReportsJob\.nightly rejected after \d+ ms: WarehouseTimeoutError: warehouse export timed out/,
    );
    // The scheduler logged the error in the global scope: that line alone, linked; no boot lines.
    expect(scheduler.header).toContain(`| scope=global | reason=level | records=1 | dropped=0 | links=${job.id} |`);
    expect(scheduler.body.split('\n')[0]).toMatch(/ERROR \[Scheduler\] warehouse export timed out after 1,000 of 1,204 orders/);
  });

  it('turns a storm of 200 identical failures into 3 full incidents, repeat lines, and one summary at shutdown', () => {
    const storm = step(child.stdout, '9. The 2am storm', '10. Result');
    const blocks = incidents(storm);
    const full = blocks.filter((b) => b.reason === 'level');
    const repeats = blocks.filter((b) => b.reason === 'repeat');
    expect(full).toHaveLength(3);
    expect(repeats.length).toBeGreaterThan(0);
    expect(full.length + repeats.length).toBe(blocks.length);
    expect(blocks.slice(0, 3)).toEqual(full);
    for (const { header, body } of full) {
      const id = /\| GET \/orders\/(\d+)\/tracking \|/.exec(header)![1];
      expect(body).toContain(`DEBUG [OrdersService] tracking order ${id}\n`);
      expect(body).toContain(`DEBUG [CarrierClient] GET https://carrier.example/v2/parcels/${id}: 503 Service Unavailable\n`);
      expect(body).toContain(`ERROR [OrdersService] tracking of order ${id} failed: carrier API unavailable`);
    }
    // A repeat is its trigger line alone, numbered after the full ones.
    repeats.forEach(({ header, body }, i) => {
      const id = /\| GET \/orders\/(\d+)\/tracking \|/.exec(header)![1];
      expect(header).toContain(`| repeat=${4 + i} |`);
      expect(header).toContain(`| fields: userId=u-${id}`);
      expect(body.trimEnd().split('\n')).toEqual([
        expect.stringContaining(`ERROR [OrdersService] tracking of order ${id} failed: carrier`),
      ]);
    });
    // One fingerprint for the whole storm.
    expect(new Set(blocks.map((b) => /\| fingerprint=(\w+) /.exec(b.header)?.[1])).size).toBe(1);
    const result = /10\. Result: 200 x 502: 3 full incidents, (\d+) repeat lines, (\d+) suppressed/.exec(child.stdout);
    expect(result).not.toBeNull();
    const [repeated, suppressed] = [Number(result![1]), Number(result![2])];
    expect(repeated).toBe(repeats.length);
    // Every request of the storm is in exactly one of the three: one suppressed count per failure.
    expect(suppressed).toBe(200 - 3 - repeated);

    const summary = incidents(step(child.stdout, '11. At shutdown', '12. The orders service'));
    expect(summary.map((b) => b.reason)).toEqual(['suppressed']);
    expect(summary[0].header).toContain('| scope=global |');
    expect(summary[0].header).toContain(`| suppressed=${suppressed} `);
    // The summary counts what stats() counted, all of it the storm's one failure.
    const line = summary[0].body.trimEnd();
    expect(line).toMatch(
      new RegExp(
        `^\\S+ +WARN \\[IncidentStorm\\] ${suppressed} incident\\(s\\) suppressed over the budget of 20 per 60000 ms: ` +
          `${suppressed} x "tracking of order \\d+ failed: carrier API unavailable: 503 from carrier\\.example after 5 ms"$`,
      ),
    );
    // No incident is printed after the summary: then come the viewer's steps.
    expect(incidents(child.stdout.slice(0, child.stdout.indexOf('\n12. The orders service'))).at(-1)).toEqual(summary[0]);
  });

  it('writes the orders incidents to incidents.log as JSON lines', () => {
    // What the two services printed before the viewer's steps; the file is the orders service's.
    const printed = incidents(child.stdout.slice(0, child.stdout.indexOf('\n12. The orders service'))).filter(
      (b) => !b.header.includes('| POST /payments/'),
    );
    const lines = fs
      .readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect([...new Set(lines.map((line) => line.incident))]).toEqual(printed.map((b) => b.id));
    expect(lines.filter((line) => line.type === 'incident').map((line) => line.reason)).toEqual(printed.map((b) => b.reason));
    const triggers = lines.filter((line) => line.type === 'record' && line.trigger);
    expect(triggers).toHaveLength(printed.length);
    // The status incident's outcome and fields, as data.
    const status = lines.find((line) => line.type === 'incident' && line.reason === 'status');
    expect(status).toMatchObject({ url: '/orders/7/invoice', outcome: { status: 500 }, fields: { userId: 'u-7' } });
    expect(triggers.filter((line) => line.message.startsWith('connection pool exhausted'))).toHaveLength(
      printed.filter((b) => b.body.includes('connection pool exhausted')).length,
    );
    // The downstream incident's link and trace, as data.
    const [charge] = incidents(step(child.stdout, '3. POST /orders/42/pay', '4. Result'));
    expect(lines[0]).toMatchObject({
      type: 'incident',
      reason: 'downstream',
      links: [charge.id],
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    });
  });

  it('runs the viewer CLI on incidents.log: list shows every incident, show prints the downstream one as the console did', () => {
    const printed = incidents(child.stdout.slice(0, child.stdout.indexOf('\n12. The orders service'))).filter(
      (b) => !b.header.includes('| POST /payments/'),
    );
    const [charge] = incidents(step(child.stdout, '3. POST /orders/42/pay', '4. Result'));
    const downstream = printed[0];
    expect(downstream.reason).toBe('downstream');

    const list = step(child.stdout, '12. The orders service', '13. `show`').split('\n');
    const command = list.findIndex((line) => line.startsWith(`   $ npx nestjs-incident-logger list ${file} --since 20`));
    expect(command).toBeGreaterThan(-1);
    // The first 4 lines of the list (oldest first: the file's order), then how many more.
    const shown = list.slice(command + 1, command + 5);
    shown.forEach((line, i) => {
      const { id, reason } = printed[i];
      expect(line).toMatch(new RegExp(`^\\S+Z  ${id}  ${reason} +\\d+ rec  `));
    });
    expect(shown[0]).toContain(`  downstream  9 rec  POST /orders/42/pay request=`);
    expect(shown[0]).toContain('WARN [IncidentOutcome] POST /orders/42/pay -> 201 in ');
    expect(list[command + 5]).toBe(`   … ${printed.length - 4} more`);

    const show = child.stdout.slice(child.stdout.indexOf('\n13. `show`'));
    expect(show).toContain(`\n   $ npx nestjs-incident-logger show ${downstream.id} ${file}\n`);
    const [block] = incidents(show);
    // The viewer rebuilt the incident from the JSON lines exactly as the console printed it: the link, the trace, every record.
    expect(block).toEqual(downstream);
    expect(block.header).toContain(`| links=${charge.id} |`);
    expect(show.endsWith(`=== END INCIDENT ${downstream.id} ===\n`)).toBe(true);
  });
});
