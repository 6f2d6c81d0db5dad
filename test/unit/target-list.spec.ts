import { IncidentDispatcher, IncidentDraft, MAX_HELD_INCIDENTS } from '../../lib/engine/incident-dispatcher';
import type { Incident, IncidentTarget } from '../../lib';
import { InternalReporter } from '../../lib/shared/internal-reporter';
import { resolveTargets } from '../../lib/targets/resolve-targets.util';
import { TargetList } from '../../lib/targets/target-list';
import { MemoryTarget } from '../utils/memory.target';

/** A target class of the `targets` option: pending in the list until it is filled. */
class LateTarget implements IncidentTarget {
  readonly incidents: Incident[] = [];
  flushes = 0;
  write(incident: Incident): void {
    this.incidents.push(incident);
  }
  flushSync(): void {
    this.flushes++;
  }
}

class OtherLateTarget extends LateTarget {}

function draft(message: string): IncidentDraft {
  const record = { level: 'error' as const, timestamp: 0, message };
  return { reason: 'level', scope: 'global', records: [record], trigger: record, dropped: 0 };
}

function setUp(entries: ConstructorParameters<typeof TargetList>[0]) {
  const lines: string[] = [];
  const targets = new TargetList(entries);
  const dispatcher = new IncidentDispatcher(targets, new InternalReporter((line) => lines.push(line)));
  return { targets, dispatcher, lines };
}

const messages = (incidents: Incident[]) => incidents.map((incident) => incident.trigger?.message);

describe('TargetList and the dispatcher: target classes created after the first incidents', () => {
  it('an instance gets each incident at once; a class slot gets the held ones when filled, in order, then the rest directly', () => {
    const memory = new MemoryTarget();
    const { targets, dispatcher, lines } = setUp([memory, LateTarget]);
    expect(targets.pending).toBe(1);
    expect(targets.pendingClasses()).toEqual([{ index: 1, type: LateTarget }]);
    dispatcher.dispatch(draft('early 1'), false);
    dispatcher.dispatch(draft('early fatal'), true);
    expect(messages(memory.incidents)).toEqual(['early 1', 'early fatal']);

    const late = new LateTarget();
    targets.fill(1, late);
    expect(targets.pending).toBe(0);
    // The same incident objects, and flushSync after the durable one, as the instance got.
    expect(late.incidents).toEqual(memory.incidents);
    expect(late.incidents[0]).toBe(memory.incidents[0]);
    expect(late.flushes).toBe(1);

    dispatcher.dispatch(draft('after'), false);
    expect(messages(late.incidents)).toEqual(['early 1', 'early fatal', 'after']);
    expect(messages(memory.incidents)).toEqual(['early 1', 'early fatal', 'after']);
    expect(lines).toEqual([]);
  });

  it('two classes filled one after the other: each gets every incident exactly once', () => {
    const { targets, dispatcher } = setUp([LateTarget, OtherLateTarget]);
    dispatcher.dispatch(draft('a'), false);
    const first = new LateTarget();
    targets.fill(0, first);
    dispatcher.dispatch(draft('b'), false);
    const second = new OtherLateTarget();
    targets.fill(1, second);
    dispatcher.dispatch(draft('c'), false);
    expect(messages(first.incidents)).toEqual(['a', 'b', 'c']);
    expect(messages(second.incidents)).toEqual(['a', 'b', 'c']);
  });

  it(`holds at most ${MAX_HELD_INCIDENTS} incidents for classes not created yet (the first ones), and says how many it dropped`, () => {
    const memory = new MemoryTarget();
    const { targets, dispatcher, lines } = setUp([memory, LateTarget]);
    for (let i = 0; i < MAX_HELD_INCIDENTS + 5; i++) dispatcher.dispatch(draft(`early ${i}`), false);
    const late = new LateTarget();
    targets.fill(1, late);
    expect(memory.incidents).toHaveLength(MAX_HELD_INCIDENTS + 5);
    expect(late.incidents).toEqual(memory.incidents.slice(0, MAX_HELD_INCIDENTS));
    expect(lines).toEqual([
      `[nestjs-incident-logger] 5 incident(s) raised before the target classes were ready were not written to them ` +
        `(only the first ${MAX_HELD_INCIDENTS} are kept); the target instances received them all\n`,
    ]);
  });

  it('only instances: nothing is held', () => {
    const memory = new MemoryTarget();
    const { targets, dispatcher, lines } = setUp([memory]);
    dispatcher.dispatch(draft('a'), false);
    expect(targets.pending).toBe(0);
    expect(memory.incidents).toHaveLength(1);
    expect(lines).toEqual([]);
  });

  it('closing while a class was never created (the app was never initialised) says what it missed', async () => {
    const memory = new MemoryTarget();
    const { dispatcher, lines } = setUp([memory, LateTarget]);
    dispatcher.dispatch(draft('early'), false);
    await dispatcher.close();
    expect(lines).toEqual([
      '[nestjs-incident-logger] 1 incident(s) were never written to targets[1] (LateTarget): the application closed before ' +
        'it was initialised (app.init(), app.listen()), which is when target classes are created\n',
    ]);
  });

  it('fill() accepts only a pending class slot', () => {
    const { targets } = setUp([new MemoryTarget(), LateTarget]);
    expect(() => targets.fill(0, new LateTarget())).toThrow('IncidentLoggerModule: targets[0] is not a pending target class');
    targets.fill(1, new LateTarget());
    expect(() => targets.fill(1, new LateTarget())).toThrow('IncidentLoggerModule: targets[1] is not a pending target class');
  });

  it('resolveTargets: the default is a ConsoleTarget; an entry without write() fails with its index', () => {
    const defaults = resolveTargets(undefined);
    expect(defaults.pending).toBe(0);
    expect(defaults.map((target) => target.constructor.name)).toEqual(['ConsoleTarget']);
    expect(() => resolveTargets([new MemoryTarget(), {} as IncidentTarget])).toThrow(
      'IncidentLoggerModule: targets[1] has no write(incident) method',
    );
  });
});
