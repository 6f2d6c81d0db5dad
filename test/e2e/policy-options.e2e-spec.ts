// Issue 11's options, checked at startup: a bad policy option stops the app
// with an error naming the option (its path), the value and its type; a
// misspelt name suggests the right one. Booted as a user would, on Express and Fastify.
import type { IncidentLoggerModuleOptions } from '../../lib';
import { startupError } from '../utils/policy-app';
import { PLATFORMS } from '../utils/test-app';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `IncidentLoggerModule: <option> must be …; got <shown> (<type>)`. */
const invalid = (option: string, shown: string, type: string) =>
  new RegExp(`^IncidentLoggerModule: ${escape(option)} must be .+; got ${escape(shown)} \\(${type}\\)$`);

/** `IncidentLoggerModule: <option> is not an option; did you mean <nearest>? …`. */
const unknown = (option: string, nearest: string) =>
  new RegExp(`^IncidentLoggerModule: ${escape(option)} is not an option; did you mean (?:[a-zA-Z]+\\.)?${escape(nearest)}\\?`);

const CASES: Array<[string, Record<string, unknown>, RegExp]> = [
  ['outcome.sampleRate above 1', { outcome: { sampleRate: 2 } }, invalid('outcome.sampleRate', '2', 'number')],
  ['outcome.sampleRate below 0', { outcome: { sampleRate: -0.5 } }, invalid('outcome.sampleRate', '-0.5', 'number')],
  ['outcome.slowMs not a duration', { outcome: { slowMs: 'soon' } }, invalid('outcome.slowMs', '"soon"', 'string')],
  ['outcome.status neither a function nor false', { outcome: { status: 'yes' } }, invalid('outcome.status', '"yes"', 'string')],
  ['outcome.slow not a function', { outcome: { slow: 2000 } }, invalid('outcome.slow', '2000', 'number')],
  ['outcome.rejected not a boolean', { outcome: { rejected: 'sometimes' } }, invalid('outcome.rejected', '"sometimes"', 'string')],
  ['outcome not an object', { outcome: 'on' }, invalid('outcome', '"on"', 'string')],
  ['storm.maxIncidents "0" from a config service', { storm: { maxIncidents: '0' } }, invalid('storm.maxIncidents', '"0"', 'string')],
  ['storm.windowMs negative', { storm: { windowMs: -1 } }, invalid('storm.windowMs', '-1', 'number')],
  ['storm.fullIncidents not an integer', { storm: { fullIncidents: 1.5 } }, invalid('storm.fullIncidents', '1.5', 'number')],
  ['contextFlushLevels.X not a level', { contextFlushLevels: { X: 'loud' } }, invalid('contextFlushLevels.X', '"loud"', 'string')],
  ['trigger not a function', { trigger: 'payment failed' }, invalid('trigger', '"payment failed"', 'string')],
  ['ignoreExceptionStatus neither a function nor false', { ignoreExceptionStatus: 404 }, invalid('ignoreExceptionStatus', '404', 'number')],
  ['passthroughLevel not a level', { passthroughLevel: 'everything' }, invalid('passthroughLevel', '"everything"', 'string')],
  ['afterTrigger.records zero', { afterTrigger: { records: 0 } }, invalid('afterTrigger.records', '0', 'number')],
  ['afterTrigger.ms not a number', { afterTrigger: { ms: '5s' } }, invalid('afterTrigger.ms', '"5s"', 'string')],
  ['reservedWarnings negative', { reservedWarnings: -1 }, invalid('reservedWarnings', '-1', 'number')],
  ['maxRecordAgeMs zero', { maxRecordAgeMs: 0 }, invalid('maxRecordAgeMs', '0', 'number')],
  ['storm.windowMS misspelt', { storm: { windowMS: 1000 } }, unknown('storm.windowMS', 'windowMs')],
  ['outcome.sampleRat misspelt', { outcome: { sampleRat: 0.1 } }, unknown('outcome.sampleRat', 'sampleRate')],
  ['afterTrigger.recrods misspelt', { afterTrigger: { recrods: 5 } }, unknown('afterTrigger.recrods', 'records')],
  ['contextFlushLevel misspelt', { contextFlushLevel: {} }, unknown('contextFlushLevel', 'contextFlushLevels')],
];

describe.each(PLATFORMS)('policy options at startup on %s', (platform) => {
  it.each(CASES)('%s', async (_name, options, message) => {
    const error = await startupError(platform, options as IncidentLoggerModuleOptions);
    expect(error.message).toMatch(message);
  });

  it('valid policy options start the app', async () => {
    // startupError throws when the app starts: here that is the expected outcome.
    await expect(
      startupError(platform, {
        contextFlushLevels: { TypeOrmLogger: 'error' },
        trigger: () => undefined,
        ignoreExceptionStatus: false,
        passthroughLevel: 'log',
        afterTrigger: { records: 5, ms: 1000 },
        reservedWarnings: 0,
        maxRecordAgeMs: 60_000,
        outcome: { status: (status) => status >= 500, slowMs: 2000, rejected: false, sampleRate: 0.5 },
        storm: { windowMs: 1000, fullIncidents: 1, maxIncidents: 1 },
      }),
    ).rejects.toThrow(/^the app started with /);
  });
});
