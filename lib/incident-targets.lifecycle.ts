import { Inject, Injectable, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { INCIDENT_TARGETS } from './incident-logger.constants';
import { createTargets } from './incident-targets.injector';
import type { IncidentTarget } from './interfaces/incident-target.interface';
import type { TargetList } from './targets/target-list';

/**
 * The target classes of the `targets` option follow the app's startup, not the
 * targets' factory (which can run before the app's providers exist, since
 * other providers inject IncidentLogger): created once every provider exists,
 * so a dependency nobody provides fails the startup with its name; attached
 * once every provider is initialised, so a target never writes through a
 * dependency whose `onModuleInit` has not run. Incidents raised before that
 * are held by the dispatcher and written to them then. Not exported.
 */
@Injectable()
export class IncidentTargetsLifecycle implements OnModuleInit, OnApplicationBootstrap {
  private created: Array<[index: number, target: IncidentTarget]> = [];

  constructor(
    @Inject(INCIDENT_TARGETS) private readonly targets: TargetList,
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
  ) {}

  async onModuleInit(): Promise<void> {
    this.created = await createTargets(this.targets, this.moduleRef);
  }

  onApplicationBootstrap(): void {
    for (const [index, target] of this.created.splice(0)) this.targets.fill(index, target);
  }
}
