import type { Type } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import type { IncidentTarget } from '../interfaces/incident-target.interface';
import { ConsoleTarget } from './console/console.target';

function isTargetClass(candidate: unknown): candidate is Type<IncidentTarget> {
  return typeof candidate === 'function';
}

function assertTarget(target: unknown, index: number): IncidentTarget {
  if (!target || typeof (target as IncidentTarget).write !== 'function') {
    throw new Error(`IncidentLoggerModule: targets[${index}] has no write(incident) method`);
  }
  return target as IncidentTarget;
}

/**
 * Turns the `targets` option into instances: an instance is used as is; a
 * class is taken from the app's providers when registered there, otherwise
 * created with its dependencies injected.
 */
export async function resolveTargets(
  targets: ReadonlyArray<IncidentTarget | Type<IncidentTarget>> | undefined,
  moduleRef: ModuleRef,
): Promise<IncidentTarget[]> {
  if (targets === undefined) return [new ConsoleTarget()];
  const resolved: IncidentTarget[] = [];
  for (const [index, target] of targets.entries()) {
    if (!isTargetClass(target)) {
      resolved.push(assertTarget(target, index));
      continue;
    }
    let instance: IncidentTarget | undefined;
    try {
      instance = moduleRef.get(target, { strict: false });
    } catch {
      instance = await moduleRef.create(target);
    }
    resolved.push(assertTarget(instance, index));
  }
  return resolved;
}
