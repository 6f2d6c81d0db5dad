import { spawn } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';

/** An OTLP/JSON attribute value (`AnyValue`), decoded to plain JavaScript. */
export type Decoded = string | number | boolean | null | Decoded[] | { [key: string]: Decoded };

/** One log record as it arrived, with what it was sent under. */
export interface ReceivedLogRecord {
  resource: Record<string, Decoded>;
  scope: { name: string; version?: string };
  /** Kept as sent: OTLP/JSON encodes the 64-bit nanoseconds as a decimal string. */
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: Decoded;
  attributes: Record<string, Decoded>;
  traceId?: string;
  spanId?: string;
  flags?: number;
}

interface JsonAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: JsonAnyValue[] };
  kvlistValue?: { values?: JsonKeyValue[] };
}
interface JsonKeyValue {
  key: string;
  value?: JsonAnyValue;
}

function decodeValue(value: JsonAnyValue | undefined): Decoded {
  if (value === undefined) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(decodeValue);
  if (value.kvlistValue !== undefined) return decodeAttributes(value.kvlistValue.values);
  return null;
}

function decodeAttributes(list: JsonKeyValue[] | undefined): Record<string, Decoded> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, decodeValue(value)]));
}

/**
 * An OTLP/HTTP logs receiver on loopback (`POST /v1/logs`, JSON, the
 * encoding @opentelemetry/exporter-logs-otlp-http sends): what a collector
 * would receive, decoded.
 */
export class OtlpReceiver {
  readonly records: ReceivedLogRecord[] = [];
  readonly contentTypes: string[] = [];
  private readonly server = http.createServer((req, res) => this.receive(req, res));
  private waiters: Array<{ count: number; resolve: () => void }> = [];

  static async start(): Promise<OtlpReceiver> {
    const receiver = new OtlpReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  /** The exporter's `url` option. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/logs`;
  }

  /** Resolves once `count` records in all have arrived. */
  received(count: number): Promise<void> {
    if (this.records.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private receive(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/logs') {
        res.writeHead(404).end();
        return;
      }
      this.contentTypes.push(String(req.headers['content-type']));
      this.decode(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      const ready = this.waiters.filter((waiter) => this.records.length >= waiter.count);
      this.waiters = this.waiters.filter((waiter) => this.records.length < waiter.count);
      for (const waiter of ready) waiter.resolve();
    });
  }

  private decode(body: {
    resourceLogs?: Array<{
      resource?: { attributes?: JsonKeyValue[] };
      scopeLogs?: Array<{ scope?: { name: string; version?: string }; logRecords?: any[] }>;
    }>;
  }): void {
    for (const resourceLogs of body.resourceLogs ?? []) {
      const resource = decodeAttributes(resourceLogs.resource?.attributes);
      for (const scopeLogs of resourceLogs.scopeLogs ?? []) {
        for (const record of scopeLogs.logRecords ?? []) {
          this.records.push({
            resource,
            scope: { name: scopeLogs.scope!.name, version: scopeLogs.scope?.version },
            timeUnixNano: String(record.timeUnixNano),
            observedTimeUnixNano: String(record.observedTimeUnixNano),
            severityNumber: record.severityNumber,
            severityText: record.severityText,
            body: decodeValue(record.body),
            attributes: decodeAttributes(record.attributes),
            traceId: record.traceId || undefined,
            spanId: record.spanId || undefined,
            flags: record.flags,
          });
        }
      }
    }
  }
}

const OTLP_FIXTURE = path.join(__dirname, '../fixtures/opentelemetry-otlp.fixture.ts');

/**
 * test/fixtures/opentelemetry-otlp.fixture.ts in a child process, without blocking this one: the receiver
 * answers the child's exports while it runs. (A child process because the
 * OTLP/HTTP exporter loads `http` with a dynamic import(), which Jest's
 * module sandbox refuses without --experimental-vm-modules.)
 */
export function runOtlpFixture(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', path.join(__dirname, 'ts-register.js'), OTLP_FIXTURE, ...args], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
