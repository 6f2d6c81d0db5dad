import { ConsoleLogger, Logger, LoggerService } from '@nestjs/common';
import { WinstonLogger } from 'nest-winston';
import { Writable } from 'node:stream';
import * as winston from 'winston';
import type { Incident, IncidentRecord } from '../../lib';
import { IncidentLogger, LoggerServiceTarget } from '../../lib';
import { captureStderr } from '../utils/capture-stderr';

const record = (level: IncidentRecord['level'], message: string, extra: Partial<IncidentRecord> = {}): IncidentRecord => ({
  level,
  timestamp: 1_700_000_000_000 + message.length,
  message,
  context: 'Orders',
  ...extra,
});

function incidentOf(records: IncidentRecord[], extra: Partial<Incident> = {}): Incident {
  return {
    id: 'inc-1',
    reason: 'level',
    scope: 'request',
    records,
    trigger: records[records.length - 1],
    dropped: 0,
    request: { id: 'req-1', method: 'GET', url: '/orders' },
    ...extra,
  };
}

/** A real winston logger writing JSON entries to memory, behind nest-winston. */
function winstonDelegate(level = 'silly'): { delegate: WinstonLogger; entries: Array<Record<string, any>> } {
  const entries: Array<Record<string, any>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      entries.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const logger = winston.createLogger({ level, format: winston.format.json(), transports: [new winston.transports.Stream({ stream })] });
  return { delegate: new WinstonLogger(logger), entries };
}

describe('LoggerServiceTarget: delegates it refuses', () => {
  it("rejects Nest's Logger facade and its subclasses: they forward to app.useLogger's IncidentLogger", () => {
    class AppLogger extends Logger {}
    for (const facade of [new Logger('Orders'), new AppLogger()]) {
      expect(() => new LoggerServiceTarget(facade)).toThrow(
        /^LoggerServiceTarget: delegate must be a logger that does not log into this module, not Nest's Logger facade .*; got "(Logger|AppLogger)" \(string\)$/,
      );
    }
  });

  it('rejects IncidentLogger itself', () => {
    const incidentLogger = Object.create(IncidentLogger.prototype) as IncidentLogger;
    expect(() => new LoggerServiceTarget(incidentLogger)).toThrow(
      'LoggerServiceTarget: delegate must be a logger that does not log into this module, not IncidentLogger itself; got "IncidentLogger" (string)',
    );
  });

  it('rejects what is not a LoggerService, and bad options, naming option, value and type', () => {
    expect(() => new LoggerServiceTarget({} as LoggerService)).toThrow(
      /^LoggerServiceTarget: delegate must be a Nest LoggerService .*; got \{\} \(object\)$/,
    );
    expect(() => new LoggerServiceTarget(new ConsoleLogger(), { level: 'error' as never })).toThrow(
      `LoggerServiceTarget: level must be one of 'record', 'trigger'; got "error" (string)`,
    );
    expect(() => new LoggerServiceTarget(new ConsoleLogger(), { levle: 'trigger' } as never)).toThrow(
      /levle is not an option; did you mean level\?/,
    );
  });

  it('accepts ConsoleLogger and nest-winston', () => {
    expect(() => new LoggerServiceTarget(new ConsoleLogger({ json: true }))).not.toThrow();
    expect(() => new LoggerServiceTarget(winstonDelegate().delegate)).not.toThrow();
  });
});

describe('LoggerServiceTarget: what it writes (real winston behind nest-winston)', () => {
  it('one entry per record at its level, fatal as error (winston has no fatal level), with the ids and the trace ids', () => {
    const { delegate, entries } = winstonDelegate();
    const records = [
      record('verbose', 'v'),
      record('debug', 'step'),
      record('fatal', 'down', { stack: 'Error: down\n    at x (a.js:1:1)' }),
    ];
    new LoggerServiceTarget(delegate).write({ ...incidentOf(records), traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) } as Incident);
    expect(entries.map((entry) => [entry.level, entry.message, entry.recordLevel])).toEqual([
      ['verbose', 'v', undefined],
      ['debug', 'step', undefined],
      ['error', 'down', 'fatal'],
    ]);
    expect(entries[2]).toMatchObject({
      incidentId: 'inc-1',
      requestId: 'req-1',
      reason: 'level',
      traceId: 'a'.repeat(32),
      spanId: 'b'.repeat(16),
      trigger: true,
      context: 'Orders',
      stack: 'Error: down\n    at x (a.js:1:1)',
      loggedAt: new Date(records[2].timestamp).toISOString(),
    });
  });

  it('leaves out pass-through records (already written) and writes them through writeRecord', () => {
    const { delegate, entries } = winstonDelegate();
    const target = new LoggerServiceTarget(delegate);
    target.writeRecord(record('warn', 'slow query'), { id: 'req-1', method: 'GET', url: '/' });
    target.write(incidentOf([record('warn', 'slow query', { passthrough: true }), record('error', 'failed')]));
    expect(entries.map((entry) => [entry.message, entry.reason, entry.incidentId])).toEqual([
      ['slow query', 'passthrough', undefined],
      ['failed', 'level', 'inc-1'],
    ]);
  });

  it('an incident with no record (storm control summary) still writes one line with its ids', () => {
    const { delegate, entries } = winstonDelegate();
    const suppressed = { count: 7, first: 1, last: 2, requestIds: ['r1'], fingerprints: [] };
    new LoggerServiceTarget(delegate).write({
      ...incidentOf([]),
      trigger: undefined,
      reason: 'suppressed',
      request: undefined,
      suppressed,
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      level: 'warn',
      message: '7 incidents suppressed by storm control',
      reason: 'suppressed',
      suppressed: { count: 7 },
    });
  });

  it("warns once when the delegate's level drops debug records, and not when it writes them", () => {
    const stderr = captureStderr();
    try {
      const quiet = winstonDelegate('info');
      const target = new LoggerServiceTarget(quiet.delegate);
      target.write(incidentOf([record('debug', 'step'), record('error', 'failed')]));
      target.write(incidentOf([record('debug', 'step'), record('error', 'failed')]));
      new LoggerServiceTarget(winstonDelegate('silly').delegate).write(incidentOf([record('debug', 'step'), record('error', 'x')]));
      expect(quiet.entries.map((entry) => entry.level)).toEqual(['error', 'error']);
    } finally {
      stderr.stop();
    }
    const warnings = stderr.lines();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('LoggerServiceTarget: the delegate (WinstonLogger) drops debug lines');
  });

  it('passes flushSync, flush and close through to a delegate that has them', async () => {
    const calls: string[] = [];
    const delegate = {
      log: () => undefined,
      error: () => undefined,
      warn: () => undefined,
      flushSync: () => calls.push('flushSync'),
      flush: async () => void calls.push('flush'),
      close: async () => void calls.push('close'),
    };
    const target = new LoggerServiceTarget(delegate);
    target.flushSync();
    await target.flush();
    await target.close();
    expect(calls).toEqual(['flushSync', 'flush', 'close']);
    // And a delegate without them: nothing to pass, nothing thrown.
    const plain = new LoggerServiceTarget(new ConsoleLogger());
    expect(() => plain.flushSync()).not.toThrow();
    await expect(plain.flush()).resolves.toBeUndefined();
  });

  it('a delegate without debug/verbose/fatal gets the nearest method it has', () => {
    const lines: Array<[string, unknown]> = [];
    const delegate: LoggerService = {
      log: (message) => void lines.push(['log', (message as any).message]),
      error: (message) => void lines.push(['error', (message as any).message]),
      warn: (message) => void lines.push(['warn', (message as any).message]),
    };
    new LoggerServiceTarget(delegate).write(incidentOf([record('verbose', 'v'), record('debug', 'd'), record('fatal', 'f')]));
    expect(lines).toEqual([
      ['log', 'v'],
      ['log', 'd'],
      ['error', 'f'],
    ]);
  });
});
