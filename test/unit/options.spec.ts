import { ConsoleTarget, IncidentLoggerModuleOptions, RotatingFileTarget } from '../../lib';
import { resolveOptions } from '../../lib/options/resolve-options';

const resolve = (options: unknown) => () => resolveOptions(options as IncidentLoggerModuleOptions);

describe('module options: strings from a config service', () => {
  it('reads a string of digits as the number it spells (ConfigService.get returns strings)', () => {
    expect(resolveOptions({ bufferSize: '5' as unknown as number }).bufferSize).toBe(5);
    expect(resolveOptions({ maxBufferBytes: ' 4096 ' as unknown as number }).maxBufferBytes).toBe(4096);
    expect(resolveOptions({ captureLimits: { maxDepth: '3' as unknown as number } }).capture.limits.maxDepth).toBe(3);
  });

  it('reads "true"/"false" as booleans', () => {
    expect(resolveOptions({ flushOnCrash: 'false' as unknown as boolean }).flushOnCrash).toBe(false);
    expect(resolveOptions({ setResponseHeader: 'TRUE' as unknown as boolean }).setResponseHeader).toBe(true);
    expect(resolveOptions({ scopeMessages: 'false' as unknown as boolean }).scopeMessages).toBe(false);
    expect(resolveOptions({}).scopeMessages).toBe(true);
    expect(resolveOptions({ traceContext: 'false' as unknown as boolean }).traceContext).toBe(false);
    expect(resolveOptions({}).traceContext).toBe(true);
  });

  it.each([
    [{ bufferSize: '5.5' }, 'bufferSize must be a positive integer; got "5.5" (string)'],
    [{ bufferSize: '' }, 'bufferSize must be a positive integer; got "" (string)'],
    [{ bufferSize: '-3' }, 'bufferSize must be a positive integer; got "-3" (string)'],
    [{ bufferSize: null }, 'bufferSize must be a positive integer; got null (null)'],
    [{ flushOnCrash: 'yes' }, 'flushOnCrash must be a boolean; got "yes" (string)'],
    [{ scopeMessages: 1 }, 'scopeMessages must be a boolean; got 1 (number)'],
    [{ traceContext: 'w3c' }, 'traceContext must be a boolean; got "w3c" (string)'],
  ])('still rejects %j, showing the value as JSON with its type', (options, message) => {
    expect(resolve(options)).toThrow(`IncidentLoggerModule: ${message}`);
  });
});

describe('module options: unknown and mistyped', () => {
  it.each([
    [{ bufferSzie: 10 }, 'bufferSzie is not an option; did you mean bufferSize?'],
    [{ flushlevel: 'error' }, 'flushlevel is not an option; did you mean flushLevel?'],
    [{ target: [] }, 'target is not an option; did you mean targets?'],
    [{ scopeMessage: false }, 'scopeMessage is not an option; did you mean scopeMessages?'],
    [{ colour: true }, 'colour is not an option; Expected one of bufferSize,'],
  ])('rejects %j with the nearest valid name', (options, message) => {
    expect(resolve(options)).toThrow(`IncidentLoggerModule: ${message}`);
  });

  it('rejects options that are not an object', () => {
    expect(resolve(null)).toThrow('IncidentLoggerModule: options must be an object; got null (null)');
    expect(resolve([])).toThrow('IncidentLoggerModule: options must be an object; got [] (array)');
  });

  it("checks dumpSignal against this platform's signals", () => {
    expect(resolveOptions({ dumpSignal: 'SIGUSR2' }).dumpSignal).toBe('SIGUSR2');
    expect(resolve({ dumpSignal: 'SIGFOO' })).toThrow(
      `IncidentLoggerModule: dumpSignal must be a catchable signal of this platform such as 'SIGUSR2'; got "SIGFOO" (string)`,
    );
    expect(resolve({ dumpSignal: 'SIGKILL' })).toThrow(/dumpSignal must be a catchable signal .*; got "SIGKILL" \(string\)$/);
    expect(resolve({ dumpSignal: 'sigusr2' })).toThrow(/dumpSignal must be/);
  });

  it('rejects an empty target list (every incident would vanish), naming the explicit way to discard', () => {
    expect(resolve({ targets: [] })).toThrow(
      'IncidentLoggerModule: targets must be at least one target (to discard incidents on purpose: targets: [{ write() {} }]); got [] (array)',
    );
    expect(resolveOptions({ targets: [{ write() {} }] }).targets).toHaveLength(1);
  });

  it('startupNotice is on by default and a boolean', () => {
    expect(resolveOptions({}).startupNotice).toBe(true);
    expect(resolveOptions({ startupNotice: false }).startupNotice).toBe(false);
    expect(resolve({ startupNotice: 'off' })).toThrow('IncidentLoggerModule: startupNotice must be a boolean; got "off" (string)');
  });
});

describe('target options', () => {
  it('ConsoleTarget rejects an unknown format instead of falling back to text', () => {
    expect(() => new ConsoleTarget({ format: 'yaml' as 'json' })).toThrow(
      "ConsoleTarget: format must be one of 'text', 'json'; got \"yaml\" (string)",
    );
  });

  it('ConsoleTarget rejects unknown keys, a non-boolean colors and a stream without write()', () => {
    expect(() => new ConsoleTarget({ fromat: 'json' } as object)).toThrow('ConsoleTarget: fromat is not an option; did you mean format?');
    expect(() => new ConsoleTarget({ colors: 'auto' as unknown as boolean })).toThrow(
      'ConsoleTarget: colors must be a boolean; got "auto" (string)',
    );
    expect(() => new ConsoleTarget({ stream: {} as { write(chunk: string): unknown } })).toThrow(
      'ConsoleTarget: stream must be an object with a write(chunk) method; got {} (object)',
    );
  });

  it('ConsoleTarget accepts its documented options', () => {
    const chunks: string[] = [];
    const target = new ConsoleTarget({ format: 'json', colors: false, stream: { write: (chunk: string) => chunks.push(chunk) } });
    target.write({ id: 'i', reason: 'manual', scope: 'global', records: [], dropped: 0 });
    expect(JSON.parse(chunks[0])).toMatchObject({ incident: 'i', type: 'incident' });
  });

  it('RotatingFileTarget rejects unknown keys with the nearest name, before touching the disk', () => {
    expect(() => new RotatingFileTarget({ filename: '/nonexistent-dir/x.log', maxByte: 10 } as object as { filename: string })).toThrow(
      'RotatingFileTarget: maxByte is not an option; did you mean maxBytes?',
    );
  });
});

describe('module options: incident policies', () => {
  it('has the documented defaults', () => {
    const options = resolveOptions({});
    expect(options.reservedWarnings).toBe(5);
    expect(options.passthroughLevel).toBeUndefined();
    expect(options.afterTrigger).toBeUndefined();
    expect(options.maxRecordAgeMs).toBeUndefined();
    expect(options.storm).toEqual({ windowMs: 60_000, fullIncidents: 3, maxIncidents: 60 });
    expect(options.outcome).toMatchObject({ rejected: true, sampleRate: 0, slowMs: undefined, slow: undefined });
    expect(options.outcome?.status?.(500, { id: '', method: 'GET', url: '/' })).toBe(true);
    expect(options.outcome?.status?.(499, { id: '', method: 'GET', url: '/' })).toBe(false);
    expect(options.ignoreExceptionStatus?.(404)).toBe(true);
    expect(options.ignoreExceptionStatus?.(500)).toBe(false);
    expect(resolveOptions({ afterTrigger: {} }).afterTrigger).toEqual({ records: 20, ms: 5000 });
  });

  it('turns policies off with false', () => {
    const options = resolveOptions({ outcome: false, storm: false, ignoreExceptionStatus: false });
    expect(options.outcome).toBeUndefined();
    expect(options.storm).toBeUndefined();
    expect(options.ignoreExceptionStatus).toBeUndefined();
    expect(resolveOptions({ outcome: { status: false } }).outcome?.status).toBeUndefined();
  });

  it.each([
    [{ outcome: { sampleRate: 2 } }, 'outcome.sampleRate must be a number from 0 to 1; got 2 (number)'],
    [{ outcome: { slowMs: '0' } }, 'outcome.slowMs must be a positive integer; got "0" (string)'],
    [{ outcome: { status: 500 } }, 'outcome.status must be a function or false; got 500 (number)'],
    [{ outcome: { slowms: 5 } }, 'outcome.slowms is not an option; did you mean outcome.slowMs?'],
    [{ outcome: 'on' }, 'outcome must be an object; got "on" (string)'],
    [{ storm: { maxIncidents: '0' } }, 'storm.maxIncidents must be a positive integer; got "0" (string)'],
    [{ storm: { windowMS: 5 } }, 'storm.windowMS is not an option; did you mean storm.windowMs?'],
    [{ storm: { fullIncidents: 5, maxIncidents: 4 } }, 'storm.maxIncidents must be at least storm.fullIncidents (5); got 4 (number)'],
    [
      { contextFlushLevels: { TypeOrmLogger: 'loud' } },
      "contextFlushLevels.TypeOrmLogger must be one of 'verbose', 'debug', 'log', 'warn', 'error', 'fatal'; got \"loud\" (string)",
    ],
    [{ contextFlushLevels: ['error'] }, 'contextFlushLevels must be an object; got ["error"] (array)'],
    [{ passthroughLevel: 'warn' }, 'passthroughLevel must be a level below flushLevel (\'warn\'); got "warn" (string)'],
    [{ passthroughLevel: 'log', flushLevel: 'debug' }, 'passthroughLevel must be a level below flushLevel (\'debug\'); got "log" (string)'],
    [{ trigger: 'error' }, 'trigger must be a function; got "error" (string)'],
    [{ ignoreExceptionStatus: [400, 499] }, 'ignoreExceptionStatus must be a function or false; got [400,499] (array)'],
    [{ reservedWarnings: -1 }, 'reservedWarnings must be an integer from 0 to 1000; got -1 (number)'],
    [{ maxRecordAgeMs: 0 }, 'maxRecordAgeMs must be a positive integer; got 0 (number)'],
    [{ afterTrigger: { records: 0 } }, 'afterTrigger.records must be a positive integer; got 0 (number)'],
    [{ afterTrigger: { tail: 3 } }, 'afterTrigger.tail is not an option;'],
  ])('rejects %j at startup, naming the option, the value and its type', (options, message) => {
    expect(resolve(options)).toThrow(`IncidentLoggerModule: ${message}`);
  });
});
