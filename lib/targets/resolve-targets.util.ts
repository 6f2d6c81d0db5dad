import type { Type } from '@nestjs/common';
import type { IncidentTarget } from '../interfaces/incident-target.interface';
import { ConsoleTarget } from './console/console.target';
import { TargetList } from './target-list';

function isTargetClass(candidate: unknown): candidate is Type<IncidentTarget> {
  return typeof candidate === 'function';
}

/** Throws unless `target` has a `write(incident)` method. */
export function assertTarget(target: unknown, index: number): IncidentTarget {
  if (!target || typeof (target as IncidentTarget).write !== 'function') {
    throw new Error(`IncidentLoggerModule: targets[${index}] has no write(incident) method`);
  }
  return target as IncidentTarget;
}

/**
 * Turns the `targets` option into the dispatcher's list: an instance is used
 * as is, at once; a class stays pending until every provider of the app
 * exists, then the lifecycle creates it through Nest's DI (an existing
 * provider is reused) and fills its slot.
 */
export function resolveTargets(targets: ReadonlyArray<IncidentTarget | Type<IncidentTarget>> | undefined): TargetList {
  if (targets === undefined) return new TargetList([new ConsoleTarget()]);
  return new TargetList(targets.map((target, index) => (isTargetClass(target) ? target : assertTarget(target, index))));
}
