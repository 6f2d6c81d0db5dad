import { randomUUID } from 'node:crypto';
import type { Incident } from '../interfaces/incident.interface';
import type { IncidentTarget } from '../interfaces/incident-target.interface';
import { IncidentScope } from '../scope/incident-scope';
import { scopeStorage } from '../scope/scope-storage';
import { describeFailure } from '../shared/hostile-value.util';
import type { InternalReporter } from '../shared/internal-reporter';

/**
 * Marks code running on behalf of a target. AsyncLocalStorage carries it into
 * the target's callbacks and promises, so a target that logs (even later,
 * asynchronously) is recognised and cannot start a new incident.
 */
export const DELIVERY_SCOPE = new IncidentScope('global', 1, 1);

/** An incident before it gets its id. */
export type IncidentDraft = Omit<Incident, 'id'>;

function targetName(target: IncidentTarget, index: number): string {
  return `targets[${index}] (${(target as object).constructor?.name ?? 'target'})`;
}

/** Hands incidents to every target, isolating the targets from each other and from the app. */
export class IncidentDispatcher {
  constructor(
    private readonly targets: readonly IncidentTarget[],
    readonly reporter: InternalReporter,
  ) {}

  /** Builds the incident and writes it to every target. `durable` also calls `flushSync`. */
  dispatch(draft: IncidentDraft, durable: boolean): Incident {
    const incident: Incident = { id: randomUUID(), ...draft };
    Object.freeze(incident.records);
    scopeStorage.run(DELIVERY_SCOPE, () => {
      this.targets.forEach((target, index) => this.writeTo(target, index, incident, durable));
    });
    return incident;
  }

  private writeTo(target: IncidentTarget, index: number, incident: Incident, durable: boolean): void {
    try {
      const pending = target.write(incident);
      if (pending && typeof (pending as Promise<void>).then === 'function') {
        (pending as Promise<void>).then(undefined, (error) => this.fail(target, index, 'write', error));
      }
      if (durable) target.flushSync?.();
    } catch (error) {
      this.fail(target, index, durable ? 'write/flushSync' : 'write', error);
    }
  }

  private fail(target: IncidentTarget, index: number, step: string, error: unknown): void {
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
    await this.flush();
    await Promise.all(this.targets.map((target, index) => this.callAsync(target, index, 'close')));
  }

  private async callAsync(target: IncidentTarget, index: number, step: 'flush' | 'close'): Promise<void> {
    try {
      await scopeStorage.run(DELIVERY_SCOPE, () => target[step]?.());
    } catch (error) {
      this.fail(target, index, step, error);
    }
  }
}
