import fc from 'fast-check';
import type { IncidentSuppression } from '../../lib/interfaces/incident.interface';
import { StormControl, type StormVerdict } from '../../lib/policy/storm-control';

// Fixed seed: a failure reproduces, and CI runs the same cases every time.
fc.configureGlobal({ seed: 4242, numRuns: 300 });

const T0 = 1_700_000_000_000;
const WINDOW = 60_000;
const DEFAULTS = { windowMs: WINDOW, fullIncidents: 3, maxIncidents: 60 };

/** Verdicts counted by kind. */
function tally(verdicts: StormVerdict[]): Record<StormVerdict['kind'], number> {
  const counts = { full: 0, repeat: 0, suppressed: 0 };
  for (const verdict of verdicts) counts[verdict.kind]++;
  return counts;
}

/** The internal maps whose size storm control bounds. */
function trackedSizes(storm: StormControl): number[] {
  const inside = storm as unknown as {
    counts: Map<string, number>;
    current: { byFingerprint: Map<string, unknown> };
    pending: { byFingerprint: Map<string, unknown> };
  };
  return [inside.counts.size, inside.current.byFingerprint.size, inside.pending.byFingerprint.size];
}

describe('StormControl', () => {
  it('a storm of 5,000 of one failure: 3 full, 57 repeats, 4,940 suppressed in one summary', () => {
    const storm = new StormControl(DEFAULTS);
    const verdicts: StormVerdict[] = [];
    for (let i = 0; i < 5000; i++) verdicts.push(storm.admit('aaaaaaaaaaaa', `pool exhausted (order ${i})`, `req-${i}`, T0 + i));

    expect(tally(verdicts)).toEqual({ full: 3, repeat: 57, suppressed: 4940 });
    expect(verdicts.slice(0, 4)).toEqual([
      { kind: 'full', count: 1 },
      { kind: 'full', count: 2 },
      { kind: 'full', count: 3 },
      { kind: 'repeat', count: 4 },
    ]);
    expect(verdicts[59]).toEqual({ kind: 'repeat', count: 60 });
    expect(verdicts[60]).toEqual({ kind: 'suppressed' });

    // The window has not ended: nothing to write yet (no includeCurrent).
    expect(storm.takeSummary(T0 + 5000, false)).toBeUndefined();
    const summary = storm.takeSummary(T0 + WINDOW, false);
    expect(summary).toEqual<IncidentSuppression>({
      count: 4940,
      first: T0 + 60,
      last: T0 + 4999,
      requestIds: ['req-60', 'req-61', 'req-62', 'req-63', 'req-64'],
      fingerprints: [{ fingerprint: 'aaaaaaaaaaaa', count: 4940, message: 'pool exhausted (order 60)' }],
    });
    // Taken once.
    expect(storm.takeSummary(T0 + WINDOW, false)).toBeUndefined();
    expect(storm.takeSummary(T0 + 10 * WINDOW, true)).toBeUndefined();
  });

  it('several fingerprints: each gets its full incidents, all share the budget, the summary ranks the top 5', () => {
    const storm = new StormControl({ windowMs: WINDOW, fullIncidents: 2, maxIncidents: 10 });
    const verdicts: Record<string, StormVerdict[]> = {};
    const admit = (fingerprint: string, at: number, requestId?: string): void => {
      (verdicts[fingerprint] ??= []).push(storm.admit(fingerprint, `${fingerprint} failed at ${at}`, requestId, T0 + at));
    };
    // 10 admitted: a x4, b x3, c x3.
    for (const [at, fingerprint] of ['a', 'b', 'a', 'c', 'a', 'b', 'c', 'a', 'b', 'c'].entries()) admit(fingerprint, at);
    expect(tally(verdicts.a)).toEqual({ full: 2, repeat: 2, suppressed: 0 });
    expect(tally(verdicts.b)).toEqual({ full: 2, repeat: 1, suppressed: 0 });
    expect(tally(verdicts.c)).toEqual({ full: 2, repeat: 1, suppressed: 0 });
    // Budget spent: a fingerprint never seen is suppressed too.
    const suppressed: Array<[string, number]> = [
      ['f', 1],
      ['d', 5],
      ['e', 5],
      ['a', 2],
      ['g', 7],
      ['h', 3],
      ['i', 1],
    ];
    let at = 100;
    for (const [fingerprint, times] of suppressed) {
      for (let i = 0; i < times; i++) admit(fingerprint, at++, i === 0 ? undefined : `${fingerprint}-${i}`);
    }
    expect(verdicts.f).toEqual([{ kind: 'suppressed' }]);
    expect(tally(verdicts.a)).toEqual({ full: 2, repeat: 2, suppressed: 2 });

    const summary = storm.takeSummary(T0 + WINDOW, false);
    expect(summary?.count).toBe(24);
    expect(summary?.first).toBe(T0 + 100);
    expect(summary?.last).toBe(T0 + 123);
    // The first request ids, the triggers without one skipped.
    expect(summary?.requestIds).toEqual(['d-1', 'd-2', 'd-3', 'd-4', 'e-1']);
    // By count; equal counts (d, e) in the order they were first suppressed; each with its first message.
    expect(summary?.fingerprints).toEqual([
      { fingerprint: 'g', count: 7, message: 'g failed at 113' },
      { fingerprint: 'd', count: 5, message: 'd failed at 101' },
      { fingerprint: 'e', count: 5, message: 'e failed at 106' },
      { fingerprint: 'h', count: 3, message: 'h failed at 120' },
      { fingerprint: 'a', count: 2, message: 'a failed at 111' },
    ]);
  });

  it('a new window resets the counts; the old window stays pending until taken, once', () => {
    const storm = new StormControl({ windowMs: WINDOW, fullIncidents: 1, maxIncidents: 2 });
    expect(storm.windowEnd).toBeUndefined();
    expect(storm.admit('x', 'm', 'r1', T0)).toEqual({ kind: 'full', count: 1 });
    expect(storm.windowEnd).toBe(T0 + WINDOW);
    expect(storm.admit('x', 'm', 'r2', T0 + 1)).toEqual({ kind: 'repeat', count: 2 });
    expect(storm.admit('x', 'm', 'r3', T0 + 2)).toEqual({ kind: 'suppressed' });
    expect(storm.admit('x', 'm', 'r4', T0 + WINDOW - 1)).toEqual({ kind: 'suppressed' });

    // The first admit at or after the end opens a new window there (not at a multiple of windowMs).
    const next = T0 + WINDOW + 500;
    expect(storm.admit('x', 'm', 'r5', next)).toEqual({ kind: 'full', count: 1 });
    expect(storm.windowEnd).toBe(next + WINDOW);
    expect(storm.admit('x', 'm', 'r6', next + 1)).toEqual({ kind: 'repeat', count: 2 });
    expect(storm.admit('x', 'm', 'r7', next + 2)).toEqual({ kind: 'suppressed' });

    // Only the ended window's suppressions; the current one's stay for later.
    expect(storm.takeSummary(next + 3, false)).toEqual({
      count: 2,
      first: T0 + 2,
      last: T0 + WINDOW - 1,
      requestIds: ['r3', 'r4'],
      fingerprints: [{ fingerprint: 'x', count: 2, message: 'm' }],
    });
    expect(storm.takeSummary(next + 4, false)).toBeUndefined();
    expect(storm.takeSummary(next + WINDOW, false)).toMatchObject({ count: 1, first: next + 2, requestIds: ['r7'] });
    // Taking the summary of an ended window closes it.
    expect(storm.windowEnd).toBeUndefined();
    expect(storm.admit('x', 'm', 'r8', next + WINDOW + 1)).toEqual({ kind: 'full', count: 1 });
  });

  it('merges ended windows not taken yet into one summary', () => {
    const storm = new StormControl({ windowMs: 1000, fullIncidents: 1, maxIncidents: 1 });
    const windows = [0, 1000, 2500];
    for (const [w, start] of windows.entries()) {
      storm.admit('admitted', 'm', undefined, start);
      for (let i = 0; i < 3; i++) storm.admit(`fp${i}`, `msg ${w}.${i}`, `w${w}-${i}`, start + 10 + i);
    }
    expect(storm.takeSummary(3500, false)).toEqual({
      count: 9,
      first: 10,
      last: 2512,
      requestIds: ['w0-0', 'w0-1', 'w0-2', 'w1-0', 'w1-1'],
      fingerprints: [
        { fingerprint: 'fp0', count: 3, message: 'msg 0.0' },
        { fingerprint: 'fp1', count: 3, message: 'msg 0.1' },
        { fingerprint: 'fp2', count: 3, message: 'msg 0.2' },
      ],
    });
  });

  it('includeCurrent (shutdown, crash) takes the current window too, and each suppression is reported once', () => {
    const storm = new StormControl({ windowMs: WINDOW, fullIncidents: 1, maxIncidents: 1 });
    storm.admit('x', 'm', 'r0', T0);
    for (let i = 1; i <= 4; i++) storm.admit('x', 'm', `r${i}`, T0 + i);
    expect(storm.takeSummary(T0 + 10, false)).toBeUndefined();
    expect(storm.takeSummary(T0 + 10, true)).toMatchObject({ count: 4, first: T0 + 1, last: T0 + 4 });
    expect(storm.takeSummary(T0 + 11, true)).toBeUndefined();
    // The window goes on: still over budget, and what comes next is in the next summary only.
    expect(storm.windowEnd).toBe(T0 + WINDOW);
    expect(storm.admit('x', 'm', 'r5', T0 + 20)).toEqual({ kind: 'suppressed' });
    expect(storm.takeSummary(T0 + WINDOW, false)).toMatchObject({ count: 1, first: T0 + 20, last: T0 + 20, requestIds: ['r5'] });
    expect(storm.takeSummary(T0 + WINDOW, true)).toBeUndefined();
  });

  it('a clock that steps back ends the window', () => {
    const storm = new StormControl({ windowMs: WINDOW, fullIncidents: 1, maxIncidents: 1 });
    storm.admit('x', 'm', undefined, T0);
    expect(storm.admit('x', 'm', undefined, T0 + 1)).toEqual({ kind: 'suppressed' });
    expect(storm.admit('x', 'm', undefined, T0 - 5000)).toEqual({ kind: 'full', count: 1 });
    expect(storm.windowEnd).toBe(T0 - 5000 + WINDOW);
    expect(storm.takeSummary(T0 - 4999, false)).toMatchObject({ count: 1 });
  });

  it('keeps a bounded copy of the first message of a fingerprint', () => {
    const storm = new StormControl({ windowMs: WINDOW, fullIncidents: 1, maxIncidents: 1 });
    storm.admit('x', 'm', undefined, T0);
    storm.admit('y', 'long '.repeat(2000), undefined, T0 + 1);
    storm.admit('y', 'second message', 'same', T0 + 2);
    storm.admit('y', 'third message', 'same', T0 + 3);
    const summary = storm.takeSummary(T0 + 4, true);
    expect(summary?.fingerprints[0]).toEqual({ fingerprint: 'y', count: 3, message: `${'long '.repeat(40)}…[truncated 9800 chars]` });
    // One request that triggered twice is listed once.
    expect(summary?.requestIds).toEqual(['same']);
  });

  describe('bounds', () => {
    it('10,000 different fingerprints admitted: at most 1,000 remembered, each counted', () => {
      const storm = new StormControl({ windowMs: WINDOW, fullIncidents: 1, maxIncidents: 1_000_000 });
      const verdicts: StormVerdict[] = [];
      for (let i = 0; i < 10_000; i++) verdicts.push(storm.admit(`fp${i}`, 'm', undefined, T0));
      expect(tally(verdicts)).toEqual({ full: 10_000, repeat: 0, suppressed: 0 });
      expect(trackedSizes(storm)).toEqual([1000, 0, 0]);
      // Remembered ones repeat; one past the bound is new each time.
      expect(storm.admit('fp999', 'm', undefined, T0)).toEqual({ kind: 'repeat', count: 2 });
      expect(storm.admit('fp1000', 'm', undefined, T0)).toEqual({ kind: 'full', count: 1 });
      expect(storm.admit('fp1000', 'm', undefined, T0)).toEqual({ kind: 'full', count: 1 });
      expect(trackedSizes(storm)).toEqual([1000, 0, 0]);
    });

    it('10,000 different fingerprints suppressed, in several windows: at most 1,000 remembered, all counted', () => {
      const storm = new StormControl({ windowMs: 1000, fullIncidents: 1, maxIncidents: 1 });
      for (const start of [0, 1000]) {
        storm.admit('first', 'm', undefined, start);
        for (let i = 0; i < 10_000; i++) storm.admit(`fp${start}-${i}`, `message ${i}`, `r${i}`, start + 1);
        expect(Math.max(...trackedSizes(storm))).toBeLessThanOrEqual(1000);
      }
      // Window 2 is current: its tally is merged into window 1's, still bounded.
      const summary = storm.takeSummary(1500, true);
      expect(Math.max(...trackedSizes(storm))).toBeLessThanOrEqual(1000);
      expect(summary?.count).toBe(20_000);
      expect(summary?.fingerprints).toHaveLength(5);
      expect(summary?.fingerprints[0]).toEqual({ fingerprint: 'fp0-0', count: 1, message: 'message 0' });
      expect(summary?.requestIds).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    });
  });

  it('property: full + repeat + suppressed = admits, per-window rules hold, summaries add up to the suppressed', () => {
    const step = fc.oneof(
      {
        weight: 8,
        arbitrary: fc.record({
          op: fc.constant('admit' as const),
          fingerprint: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
          requestId: fc.option(fc.constantFrom('r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'), { nil: undefined }),
          advance: fc.oneof(fc.constant(0), fc.nat(50), fc.nat(250)),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({ op: fc.constant('take' as const), includeCurrent: fc.boolean(), advance: fc.nat(100) }),
      },
    );
    const options = fc
      .record({ windowMs: fc.integer({ min: 1, max: 200 }), fullIncidents: fc.integer({ min: 1, max: 4 }), extra: fc.nat(8) })
      .map(({ windowMs, fullIncidents, extra }) => ({ windowMs, fullIncidents, maxIncidents: fullIncidents + extra }));

    fc.assert(
      fc.property(options, fc.array(step, { maxLength: 300 }), (config, steps) => {
        const storm = new StormControl(config);
        const counts = { full: 0, repeat: 0, suppressed: 0 };
        const summaries: IncidentSuppression[] = [];
        // Per window (keyed by its end): admitted so far, and each fingerprint's count.
        const windows = new Map<number, { admitted: number; byFingerprint: Map<string, number> }>();
        let now = T0;
        for (const s of steps) {
          now += s.advance;
          if (s.op === 'take') {
            const summary = storm.takeSummary(now, s.includeCurrent);
            if (summary) summaries.push(summary);
            continue;
          }
          const verdict = storm.admit(s.fingerprint, `${s.fingerprint} at ${now}`, s.requestId, now);
          counts[verdict.kind]++;
          const end = storm.windowEnd as number;
          expect(end).toBeGreaterThan(now);
          expect(end - now).toBeLessThanOrEqual(config.windowMs);
          let window = windows.get(end);
          if (!window) windows.set(end, (window = { admitted: 0, byFingerprint: new Map() }));
          if (verdict.kind === 'suppressed') {
            expect(window.admitted).toBe(config.maxIncidents);
            continue;
          }
          window.admitted++;
          const count = (window.byFingerprint.get(s.fingerprint) ?? 0) + 1;
          window.byFingerprint.set(s.fingerprint, count);
          expect(verdict).toEqual({ kind: count <= config.fullIncidents ? 'full' : 'repeat', count });
        }
        const last = storm.takeSummary(now, true);
        if (last) summaries.push(last);
        expect(storm.takeSummary(now + 1e9, true)).toBeUndefined();

        const admits = steps.filter((s) => s.op === 'admit').length;
        expect(counts.full + counts.repeat + counts.suppressed).toBe(admits);
        const total = (list: Array<{ count: number }>): number => list.reduce((sum, item) => sum + item.count, 0);
        expect(total(summaries)).toBe(counts.suppressed);
        for (const summary of summaries) {
          expect(summary.count).toBeGreaterThan(0);
          expect(summary.first).toBeLessThanOrEqual(summary.last);
          expect(summary.requestIds.length).toBeLessThanOrEqual(5);
          expect(new Set(summary.requestIds).size).toBe(summary.requestIds.length);
          // Five fingerprints at most here, so the top 5 hold them all; largest first.
          expect(total(summary.fingerprints)).toBe(summary.count);
          const ranked = summary.fingerprints.map((f) => f.count);
          expect(ranked).toEqual([...ranked].sort((x, y) => y - x));
        }
      }),
    );
  });
});
