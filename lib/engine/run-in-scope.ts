import type { IncidentScope } from '../scope/incident-scope';
import { scopeStorage } from '../scope/scope-storage';

/** How a unit of work ended: nothing, or what it threw or rejected with. */
export type EndUnit = (scope: IncidentScope, failure?: { error: unknown }) => void;

/**
 * Runs `fn` in `scope` and ends the scope when the work is done: at once for
 * a value, when it settles for a promise. What `fn` throws or rejects with
 * goes on unchanged (same reason, still unhandled if nobody handles it),
 * after the scope ended, so its incident is written first.
 */
export function runInScope<T>(scope: IncidentScope, fn: () => T, end: EndUnit): T {
  let result: T;
  try {
    result = scopeStorage.run(scope, fn);
  } catch (error) {
    end(scope, { error });
    throw error;
  }
  if (result instanceof Promise) {
    return result.then(
      (value: unknown) => {
        end(scope);
        return value;
      },
      (error: unknown) => {
        end(scope, { error });
        throw error;
      },
    ) as T;
  }
  end(scope);
  return result;
}
