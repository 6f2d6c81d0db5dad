import type { IncidentEngine } from './incident-engine';

let active: IncidentEngine | undefined;

/**
 * The engine of the running application, for what has no injector to ask:
 * the `@IncidentScoped()` decorator, applied when a class is defined. The
 * most recently created engine wins (one app per process is the rule; two
 * apps at once would share the newest one's scopes for decorated methods).
 */
export const activeEngine = {
  get(): IncidentEngine | undefined {
    return active;
  },
  set(engine: IncidentEngine): IncidentEngine {
    active = engine;
    return engine;
  },
  /** The engine stops: decorated methods run as plain methods again. */
  clear(engine: IncidentEngine): void {
    if (active === engine) active = undefined;
  },
};
