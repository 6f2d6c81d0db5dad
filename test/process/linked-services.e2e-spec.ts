import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import type { Incident } from '../../lib';
import { type ReceivedCall, serviceAModule } from '../utils/linked-apps';
import { MemoryTarget } from '../utils/memory.target';
import { PLATFORMS, type Platform, startApp, type TestApp } from '../utils/test-app';
import { until } from '../utils/until';

const FIXTURE = path.join(__dirname, '../fixtures/linked-service.fixture.ts');
const REGISTER = path.join(__dirname, '../utils/ts-register.js');
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const TRACEPARENT = `00-${TRACE}-b7ad6b7169203331-01`;

/** Service B in a child process: nothing the link relies on is shared with A but the wire. */
class ChildService {
  readonly incidents: Incident[] = [];
  readonly received: ReceivedCall[] = [];
  url = '';
  private readonly child: ChildProcess;

  constructor(failures: number, platform: Platform) {
    this.child = spawn(process.execPath, ['-r', REGISTER, FIXTURE, String(failures), platform], { stdio: ['pipe', 'pipe', 'inherit'] });
    let pending = '';
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        const [kind, ...rest] = line.split(' ');
        const text = rest.join(' ');
        if (kind === 'LISTENING') this.url = text;
        if (kind === 'INCIDENT') this.incidents.push(JSON.parse(text) as Incident);
        if (kind === 'RECEIVED') this.received.push(JSON.parse(text) as ReceivedCall);
      }
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin!.end();
    await exited;
  }
}

describe.each(PLATFORMS)('linked incidents, service B in its own process (%s)', (platform) => {
  let a: TestApp | undefined;
  let b: ChildService | undefined;

  afterEach(async () => {
    await a?.close();
    await b?.stop();
    a = b = undefined;
  });

  it("A recovers from B's failure: A's downstream incident links B's; one trace, one request id", async () => {
    b = new ChildService(1, platform);
    await until(() => b!.url !== '', 'service B listening', { attempts: 1500, intervalMs: 20 });
    const targetA = new MemoryTarget();
    a = await startApp(
      serviceAModule(targetA, () => b!.url),
      platform,
    );
    const response = await fetch(`${a.url}/checkout/fetch/5`, { headers: { traceparent: TRACEPARENT } });
    expect(response.status).toBe(200);
    await until(() => targetA.incidents.length === 1 && b!.incidents.length === 1, 'one incident in each process');
    const [incidentA] = targetA.incidents;
    const [incidentB] = b.incidents;
    expect(incidentA).toMatchObject({ reason: 'downstream', links: [incidentB.id], traceId: TRACE });
    expect(incidentB).toMatchObject({ reason: 'level', traceId: TRACE });
    expect(incidentB.request?.id).toBe(incidentA.request?.id);
    expect(b.received.map((call) => call.requestId)).toEqual([incidentA.request?.id, incidentA.request?.id]);
  });
});
