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
  });

  it.each([
    [{ bufferSize: '5.5' }, 'bufferSize must be a positive integer; got "5.5" (string)'],
    [{ bufferSize: '' }, 'bufferSize must be a positive integer; got "" (string)'],
    [{ bufferSize: '-3' }, 'bufferSize must be a positive integer; got "-3" (string)'],
    [{ bufferSize: null }, 'bufferSize must be a positive integer; got null (null)'],
    [{ flushOnCrash: 'yes' }, 'flushOnCrash must be a boolean; got "yes" (string)'],
  ])('still rejects %j, showing the value as JSON with its type', (options, message) => {
    expect(resolve(options)).toThrow(`IncidentLoggerModule: ${message}`);
  });
});

describe('module options: unknown and mistyped', () => {
  it.each([
    [{ bufferSzie: 10 }, 'bufferSzie is not an option; did you mean bufferSize?'],
    [{ flushlevel: 'error' }, 'flushlevel is not an option; did you mean flushLevel?'],
    [{ target: [] }, 'target is not an option; did you mean targets?'],
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
