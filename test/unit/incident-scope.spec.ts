import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import { LogRecord } from '../../lib/capture/log-record';
import type { IncidentRecord } from '../../lib/interfaces';
import { DropCounters } from '../../lib/scope/drop-tally';
import { IncidentScope, type ScopeConfig } from '../../lib/scope/incident-scope';

function config(overrides: Partial<ScopeConfig> = {}): ScopeConfig {
  return { capacity: 5, maxBytes: 1_000_000, reserved: 3, counters: new DropCounters(), onEnd: () => undefined, ...overrides };
}

const rec = (level: IncidentRecord['level'], message: string, timestamp = 1000): IncidentRecord =>
  new LogRecord(level, timestamp, message, undefined);

function add(scope: IncidentScope, record: IncidentRecord): void {
  if (record.level === 'warn') scope.addReserved(record, 100);
  else scope.add(record, 100);
}

describe('IncidentScope: the window an incident gets', () => {
  it('keeps a warning through a flood of debug lines, merged back where it was logged', () => {
    const scope = new IncidentScope('global', config());
    scope.add(rec('debug', 'd0'), 100);
    scope.addReserved(rec('warn', 'w1'), 100);
    for (let i = 1; i <= 10_000; i++) scope.add(rec('debug', `d${i}`), 100);
    const window = scope.take();
    // The warning was logged after d0, which fell off the ring: it comes first, then the last 5 debug lines.
    expect(window.records.map((r) => r.message)).toEqual(['w1', 'd9996', 'd9997', 'd9998', 'd9999', 'd10000']);
    expect(window.dropped).toBe(10_001 - 5);
    expect(window.tally?.levels()).toEqual({ debug: 10_001 - 5 });
  });

  it('merges reserved warnings and the main ring in logging order (any interleaving)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('debug', 'warn'), { maxLength: 60 }), (levels) => {
        const scope = new IncidentScope('global', config({ capacity: 4, reserved: 2 }));
        const logged = levels.map((level, i) => rec(level as 'debug' | 'warn', `${level}${i}`));
        logged.forEach((record) => add(scope, record));
        const kept = scope.take().records;
        // Exactly the last 4 debug lines and the last 2 warnings, in the order they were logged.
        const expected = logged.filter((r, i) => {
          const later = logged.slice(i + 1).filter((o) => o.level === r.level).length;
          return later < (r.level === 'warn' ? 2 : 4);
        });
        expect(kept.map((r) => r.message)).toEqual(expected.map((r) => r.message));
      }),
    );
  });

  it('counts what fell off by level, with the span of their times, and starts over after take()', () => {
    const counters = new DropCounters();
    const scope = new IncidentScope('global', config({ capacity: 2, reserved: 1, counters }));
    scope.add(rec('debug', 'a', 10), 100);
    scope.add(rec('log', 'b', 20), 100);
    scope.add(rec('verbose', 'c', 30), 100); // drops a (debug, 10)
    scope.add(rec('debug', 'd', 40), 100); // drops b (log, 20)
    scope.addReserved(rec('warn', 'w1', 5), 100);
    scope.addReserved(rec('warn', 'w2', 50), 100); // drops w1 (warn, 5)
    const window = scope.take();
    expect(window.dropped).toBe(3);
    expect(window.tally?.levels()).toEqual({ debug: 1, log: 1, warn: 1 });
    expect(window.tally?.span()).toEqual({ from: 5, to: 20 });
    expect(counters.toRecord()).toEqual({ verbose: 0, debug: 1, log: 1, warn: 1, error: 0, fatal: 0 });
    scope.add(rec('debug', 'e', 60), 100);
    const next = scope.take();
    expect(next.dropped).toBe(0);
    expect(next.tally).toBeUndefined();
  });

  it('leaves out records older than the age limit when the window is taken, counted as dropped', () => {
    const scope = new IncidentScope('global', config());
    scope.add(rec('log', 'boot', 1_000), 100);
    scope.addReserved(rec('warn', 'old warning', 2_000), 100);
    scope.add(rec('debug', 'recent', 9_500), 100);
    const window = scope.take(10_000, 1_000);
    expect(window.records.map((r) => r.message)).toEqual(['recent']);
    expect(window.dropped).toBe(2);
    expect(window.tally?.levels()).toEqual({ log: 1, warn: 1 });
    expect(window.tally?.span()).toEqual({ from: 1_000, to: 2_000 });
  });

  it('with no reserve, a warning goes to the main ring', () => {
    const scope = new IncidentScope('global', config({ capacity: 2, reserved: 0 }));
    scope.addReserved(rec('warn', 'w'), 100);
    scope.add(rec('debug', 'd1'), 100);
    scope.add(rec('debug', 'd2'), 100);
    expect(scope.take().records.map((r) => r.message)).toEqual(['d1', 'd2']);
  });
});

describe("IncidentScope: the end of a watched response ('close')", () => {
  /** A response as the scope sees it: a real EventEmitter, closed when 'close' is emitted. */
  const response = () => Object.assign(new EventEmitter(), { closed: false });

  it('ends every scope watching the response, even two engines watching the same one', () => {
    const signal = response();
    const ended: string[] = [];
    const first = new IncidentScope(
      'request',
      config({ onEnd: () => ended.push('first') }),
      { method: 'GET', url: '/' },
      undefined,
      signal,
    );
    const second = new IncidentScope(
      'request',
      config({ onEnd: () => ended.push('second') }),
      { method: 'GET', url: '/' },
      undefined,
      signal,
    );
    expect(first.watchEnd()).toBe(true);
    expect(second.watchEnd()).toBe(true);
    expect(first.watchEnd()).toBe(true); // watched once: no second listener
    expect(signal.listenerCount('close')).toBe(2);
    signal.emit('close');
    expect(ended.sort()).toEqual(['first', 'second']);
  });

  it('does not watch a response that is already closed', () => {
    const signal = Object.assign(response(), { closed: true });
    const scope = new IncidentScope('request', config(), { method: 'GET', url: '/' }, undefined, signal);
    expect(scope.watchEnd()).toBe(false);
    expect(signal.listenerCount('close')).toBe(0);
  });
});
