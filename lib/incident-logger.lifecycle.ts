import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { IncidentEngine } from './engine/incident-engine';

/**
 * Ties the engine to the application's life: process hooks once the app is
 * up, target flush before shutdown, close after. A provider of its own so the
 * public classes carry no lifecycle methods. Not exported.
 */
@Injectable()
export class IncidentLoggerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(@Inject(IncidentEngine) private readonly engine: IncidentEngine) {}

  onApplicationBootstrap(): void {
    this.engine.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.engine.flushTargets();
  }

  onApplicationShutdown(): Promise<void> {
    return this.engine.stop();
  }
}
