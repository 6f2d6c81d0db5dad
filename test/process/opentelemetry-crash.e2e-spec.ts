import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readJsonLines } from '../utils/json-lines';
import { OtlpReceiver, runOtlpFixture } from '../utils/otlp-receiver';

interface Line {
  incident: string;
  type: string;
  reason?: string;
  level?: string;
  message?: string;
  traceId?: string;
}

/**
 * What an asynchronous exporter cannot do: the process dies in the same
 * turn as the crash (or `process.exit()`), and an OTLP export needs the event
 * loop (connect, write, response). The RotatingFileTarget beside it writes
 * synchronously in `flushSync`, so the file has the incident; the receiver
 * gets nothing, with a Simple processor as with a Batch one.
 */
describe.each(['simple', 'batch'])('a crash with an OpenTelemetryTarget (%s processor) and a RotatingFileTarget', (processor) => {
  let receiver: OtlpReceiver;
  let dir: string;

  beforeEach(async () => {
    receiver = await OtlpReceiver.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-otel-crash-'));
  });

  afterEach(async () => {
    await receiver.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['crash', 'crash', 'timer exploded'],
    ['fatal-exit', 'level', 'disk on fire'],
  ])('%s: the file has the incident, the OTLP receiver has nothing', async (mode, reason, message) => {
    const file = path.join(dir, 'incidents.jsonl');
    const child = await runOtlpFixture(['express', receiver.url, file, processor, mode]);
    expect(child.status).toBe(1);
    const lines = readJsonLines(file) as Line[];
    const header = lines.find((line) => line.type === 'incident' && line.reason === reason)!;
    expect(header).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c' });
    const records = lines.filter((line) => line.incident === header.incident && line.type === 'record');
    expect(records.map((line) => line.message)).toEqual([mode === 'crash' ? 'about to crash' : 'about to exit', message]);
    // The child is gone: nothing more can arrive. The export was started (Simple) or queued (Batch), never sent.
    expect(receiver.records).toEqual([]);
  });
});
