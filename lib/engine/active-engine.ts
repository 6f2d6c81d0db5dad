import type { IncidentEngine } from './incident-engine';

/** The engines of the running applications, oldest first. */
const running: IncidentEngine[] = [];

/**
 * The engine of the running application, for what has no injector to ask:
 * the `@IncidentScoped()` decorator, applied when a class is defined. One app
 * per process is the rule; with several (a test suite, a CLI next to a
 * server), the newest running one is used, and the one before it again once
 * it has stopped.
 */
export const activeEngine = {
  get(): IncidentEngine | undefined {
    return running.length === 0 ? undefined : running[running.length - 1];
  },
  set(engine: IncidentEngine): IncidentEngine {
    running.push(engine);
    return engine;
  },
  /** The engine stops: decorated methods use the previous running one, or run as plain methods. */
  clear(engine: IncidentEngine): void {
    const index = running.lastIndexOf(engine);
    if (index !== -1) running.splice(index, 1);
  },
};
