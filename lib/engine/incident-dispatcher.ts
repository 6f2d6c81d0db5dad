import { randomUUID } from 'node:crypto';
import type { Incident, IncidentRecord, IncidentRequest } from '../interfaces/incident.interface';
import type { IncidentTarget } from '../interfaces/incident-target.interface';
import { DropCounters } from '../scope/drop-tally';
import { IncidentScope } from '../scope/incident-scope';
import { scopeStorage } from '../scope/scope-storage';
import { describeFailure } from '../shared/hostile-value.util';
import type { InternalReporter } from '../shared/internal-reporter';
import type { TargetList } from '../targets/target-list';

/**
 * Marks code running on behalf of a target. AsyncLocalStorage carries it into
 * the target's callbacks and promises, so a target that logs (even later,
 * asynchronously) is recognised and cannot start a new incident.
 */
export const DELIVERY_SCOPE = new IncidentScope('global', {
  capacity: 1,
  maxBytes: 1,
  reserved: 0,
  counters: new DropCounters(),
  onEnd: () => undefined,
});

/**
 * Incidents kept for the target classes not attached yet (raised while the
 * app's providers are being constructed or initialised); the first ones are
 * kept, later ones counted. Each holds at most one scope's window
 * (`maxBufferBytes`).
 */
export const MAX_HELD_INCIDENTS = 32;

/** An incident before it gets its id. */
export type IncidentDraft = Omit<Incident, 'id'>;

interface HeldIncident {
  incident: Incident;
  durable: boolean;
}

/** What a target without `writeRecord` receives for a pass-through record: a one-record incident. */
function passthroughIncident(record: IncidentRecord, request: IncidentRequest | undefined, scope: Incident['scope']): Incident {
  return Object.freeze({
    id: randomUUID(),
    reason: 'passthrough',
    scope,
    records: Object.freeze([record]) as IncidentRecord[],
    dropped: 0,
    request,
  });
}

function targetName(target: IncidentTarget, index: number): string {
  return `targets[${index}] (${(target as object).constructor?.name ?? 'target'})`;
}

/** Hands incidents to every target, isolating the targets from each other and from the app. */
export class IncidentDispatcher {
  /** Incidents raised while some target class was still pending, oldest first. */
  private held: HeldIncident[] = [];
  private heldDropped = 0;
  /** Calls to a target that threw or rejected (`stats().targetFailures`). */
  failures = 0;

  constructor(
    private readonly targets: TargetList,
    readonly reporter: InternalReporter,
  ) {
    targets.onFill((target, index) => this.deliverHeld(target, index));
  }

  /**
   * Builds the incident and writes it to every target. `durable` also calls
   * `flushSync`. `id`: one announced already (the response's incident header).
   */
  dispatch(draft: IncidentDraft, durable: boolean, id: string = randomUUID()): Incident {
    const incident: Incident = { id, ...draft };
    Object.freeze(incident.records);
    scopeStorage.run(DELIVERY_SCOPE, () => {
      this.targets.forEach((target, index) => this.writeTo(target, index, incident, durable));
    });
    if (this.targets.pending > 0) this.hold(incident, durable);
    return incident;
  }

  /**
   * One record written at once (`passthroughLevel`): through `writeRecord`,
   * or as a one-record `passthrough` incident to a target without it.
   * Target classes not attached yet miss it (it stays in the window).
   */
  writeRecord(record: IncidentRecord, request: IncidentRequest | undefined, scope: Incident['scope']): void {
    let adapted: Incident | undefined;
    scopeStorage.run(DELIVERY_SCOPE, () => {
      this.targets.forEach((target, index) => {
        try {
          const pending =
            typeof target.writeRecord === 'function'
              ? target.writeRecord(record, request)
              : target.write((adapted ??= passthroughIncident(record, request, scope)));
          this.watch(pending, target, index, 'writeRecord');
        } catch (error) {
          this.fail(target, index, 'writeRecord', error);
        }
      });
    });
  }

  private hold(incident: Incident, durable: boolean): void {
    if (this.held.length < MAX_HELD_INCIDENTS) this.held.push({ incident, durable });
    else this.heldDropped++;
  }

  /** A target class was just attached: it gets every incident raised while it was pending, in order. */
  private deliverHeld(target: IncidentTarget, index: number): void {
    scopeStorage.run(DELIVERY_SCOPE, () => {
      for (const { incident, durable } of this.held) this.writeTo(target, index, incident, durable);
    });
    if (this.targets.pending > 0) return;
    this.held = [];
    if (this.heldDropped > 0) {
      this.reporter.report(
        'held',
        `${this.heldDropped} incident(s) raised before the target classes were ready were not written to them ` +
          `(only the first ${MAX_HELD_INCIDENTS} are kept); the target instances received them all`,
      );
      this.heldDropped = 0;
    }
  }

  private writeTo(target: IncidentTarget, index: number, incident: Incident, durable: boolean): void {
    try {
      this.watch(target.write(incident), target, index, 'write');
      if (durable) target.flushSync?.();
    } catch (error) {
      this.fail(target, index, durable ? 'write/flushSync' : 'write', error);
    }
  }

  /** A target's returned promise, not awaited: its rejection is reported like a throw. */
  private watch(pending: void | Promise<void>, target: IncidentTarget, index: number, step: string): void {
    if (pending && typeof (pending as Promise<void>).then === 'function') {
      (pending as Promise<void>).then(undefined, (error) => this.fail(target, index, step, error));
    }
  }

  private fail(target: IncidentTarget, index: number, step: string, error: unknown): void {
    this.failures++;
    const name = targetName(target, index);
    this.reporter.report(`${name}:${step}`, `${name}.${step}() failed: ${describeFailure(error)}`);
  }

  /** Makes every target's pending writes durable now (crash and exit paths); never throws. */
  flushSync(): void {
    this.targets.forEach((target, index) => {
      try {
        target.flushSync?.();
      } catch (error) {
        this.fail(target, index, 'flushSync', error);
      }
    });
  }

  /** Waits for every target's pending writes; never rejects. */
  async flush(): Promise<void> {
    await Promise.all(this.targets.map((target, index) => this.callAsync(target, index, 'flush')));
  }

  /** Flushes then closes every target; never rejects. */
  async close(): Promise<void> {
    this.reportUndelivered();
    await this.flush();
    await Promise.all(this.targets.map((target, index) => this.callAsync(target, index, 'close')));
  }

  /** Shutting down with target classes never attached (the app was never initialised): say what they missed. */
  private reportUndelivered(): void {
    const count = this.held.length + this.heldDropped;
    if (this.targets.pending === 0 || count === 0) return;
    const names = this.targets
      .pendingClasses()
      .map(({ index }) => `targets[${index}] (${this.targets.nameAt(index)})`)
      .join(', ');
    this.reporter.report(
      'undelivered',
      `${count} incident(s) were never written to ${names}: the application closed before it was initialised ` +
        '(app.init(), app.listen()), which is when target classes are created',
    );
    this.held = [];
    this.heldDropped = 0;
  }

  private async callAsync(target: IncidentTarget, index: number, step: 'flush' | 'close'): Promise<void> {
    try {
      await scopeStorage.run(DELIVERY_SCOPE, () => target[step]?.());
    } catch (error) {
      this.fail(target, index, step, error);
    }
  }
}
