import pino from 'pino';
import { Writable } from 'node:stream';
import type { Incident, IncidentRecord } from '../../lib';
import { PinoTarget } from '../../lib';

const T0 = Date.UTC(2023, 10, 14, 22, 13, 20, 100);
const record = (level: IncidentRecord['level'], message: string, offset: number, extra: Partial<IncidentRecord> = {}): IncidentRecord => ({
  level,
  timestamp: T0 + offset,
  message,
  context: 'Orders',
  ...extra,
});

const trigger = record('error', 'pool exhausted', 300, {
  stack: 'TypeError: pool exhausted\n    at x (a.js:1:1)',
  data: { name: 'TypeError', code: 'E_POOL' },
});
const incident: Incident = {
  id: 'inc-1',
  reason: 'level',
  scope: 'request',
  records: [record('verbose', 'loading', 0), record('debug', 'acquiring', 100), trigger],
  trigger,
  dropped: 0,
  request: { id: 'req-1', method: 'GET', url: '/orders' },
};

/** A real pino instance writing to memory; returns its raw lines. */
function pinoInto(options: pino.LoggerOptions = {}): { logger: pino.Logger; raw: string[] } {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      raw.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: pino({ level: 'info', ...options }, stream), raw };
}

describe('PinoTarget', () => {
  it("writes pino's level numbers whatever the instance's level, the ids as bindings, the error under err", async () => {
    const { logger, raw } = pinoInto();
    new PinoTarget(logger).write({ ...incident, traceId: 'a'.repeat(32) } as Incident);
    const lines = raw.map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      [10, 'loading'],
      [20, 'acquiring'],
      [50, 'pool exhausted'],
    ]);
    for (const line of lines)
      expect(line).toMatchObject({ incidentId: 'inc-1', requestId: 'req-1', reason: 'level', context: 'Orders', traceId: 'a'.repeat(32) });
    expect(lines[2]).toMatchObject({
      trigger: true,
      err: { type: 'TypeError', message: 'pool exhausted', code: 'E_POOL', stack: trigger.stack },
    });
    // The instance keeps its own level for everything else.
    logger.debug('not an incident');
    expect(raw).toHaveLength(3);
  });

  it.each<[string, pino.LoggerOptions, unknown[]]>([
    ['epochTime (the default)', {}, [T0, T0 + 100, T0 + 300]],
    [
      'isoTime',
      { timestamp: pino.stdTimeFunctions.isoTime },
      ['2023-11-14T22:13:20.100Z', '2023-11-14T22:13:20.200Z', '2023-11-14T22:13:20.400Z'],
    ],
    ['unixTime', { timestamp: pino.stdTimeFunctions.unixTime }, [1700000000, 1700000000, 1700000000]],
    [
      'isoTimeNano',
      { timestamp: pino.stdTimeFunctions.isoTimeNano },
      ['2023-11-14T22:13:20.100000000Z', '2023-11-14T22:13:20.200000000Z', '2023-11-14T22:13:20.400000000Z'],
    ],
  ])('stamps time with the record time, once, in the instance format: %s', (_name, options, expected) => {
    const { logger, raw } = pinoInto(options);
    new PinoTarget(logger).write(incident);
    expect(raw.map((line) => JSON.parse(line).time)).toEqual(expected);
    for (const line of raw) expect(line.match(/"time":/g)).toHaveLength(1);
    // The parent logger still stamps the time of writing.
    logger.info('live');
    expect(JSON.parse(raw[3]).time).not.toEqual(expected[0]);
  });

  it('timestamp: false writes no time; a custom format is kept and the record time goes to loggedAt', () => {
    const off = pinoInto({ timestamp: false });
    new PinoTarget(off.logger).write(incident);
    expect(off.raw.every((line) => !line.includes('"time"'))).toBe(true);
    const custom = pinoInto({ timestamp: () => ',"at":"custom"' });
    new PinoTarget(custom.logger).write(incident);
    expect(custom.raw.map((line) => JSON.parse(line).loggedAt)).toEqual(incident.records.map((r) => new Date(r.timestamp).toISOString()));
  });

  it("level: 'trigger' writes the window at the trigger's level with recordLevel", () => {
    const { logger, raw } = pinoInto();
    new PinoTarget(logger, { level: 'trigger' }).write(incident);
    expect(raw.map((line) => JSON.parse(line)).map((line) => [line.level, line.recordLevel])).toEqual([
      [50, 'verbose'],
      [50, 'debug'],
      [50, undefined],
    ]);
  });

  it('writes a pass-through record alone with its request id', () => {
    const { logger, raw } = pinoInto();
    new PinoTarget(logger).writeRecord(record('fatal', 'disk full', 5), { id: 'req-9', method: 'GET', url: '/' });
    expect(JSON.parse(raw[0])).toMatchObject({ level: 60, time: T0 + 5, requestId: 'req-9', reason: 'passthrough', msg: 'disk full' });
  });

  it('refuses what is not a pino logger, and bad options', () => {
    expect(() => new PinoTarget({} as pino.Logger)).toThrow(
      'PinoTarget: logger must be a pino logger (pino() or a child of one); got {} (object)',
    );
    expect(() => new PinoTarget(pinoInto().logger, { level: 'all' as never })).toThrow(
      `PinoTarget: level must be one of 'record', 'trigger'; got "all" (string)`,
    );
  });
});
