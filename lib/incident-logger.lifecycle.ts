import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { activeEngine } from './engine/active-engine';
import { IncidentEngine } from './engine/incident-engine';
import { IncidentLogger } from './incident-logger.service';

/**
 * How long after bootstrap Nest's logger is looked at again before warning:
 * `createApplicationContext()` bootstraps before its caller can call
 * `useLogger()`, so the first look can be too early.
 */
const INSTALL_GRACE_MS = 1000;

/** Whether Nest's static `Logger` delegates to an IncidentLogger (read from Nest's internals, so unknown is "yes"). */
function nestLoggerIsIncidentLogger(): boolean {
  try {
    const holder = Logger as unknown as { staticInstanceRef?: unknown };
    if (!('staticInstanceRef' in holder)) return true; // a Nest that keeps it elsewhere: no false alarm
    return holder.staticInstanceRef instanceof IncidentLogger;
  } catch {
    return true;
  }
}

/**
 * Ties the engine to the application's life: process hooks and the startup
 * line once the app is up, target flush before shutdown, close after. A
 * provider of its own so the public classes carry no lifecycle methods. Not
 * exported.
 */
@Injectable()
export class IncidentLoggerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private installCheck: NodeJS.Timeout | undefined;

  constructor(@Inject(IncidentEngine) private readonly engine: IncidentEngine) {}

  onApplicationBootstrap(): void {
    this.engine.start();
    if (!this.engine.startupNotice) return;
    this.engine.announce();
    if (nestLoggerIsIncidentLogger()) return;
    this.installCheck = setTimeout(() => {
      if (!nestLoggerIsIncidentLogger()) this.engine.warnNotInstalled();
    }, INSTALL_GRACE_MS);
    this.installCheck.unref(); // never what keeps the process alive
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.engine.flushTargets();
  }

  onApplicationShutdown(): Promise<void> {
    clearTimeout(this.installCheck);
    // `@IncidentScoped()` methods called after this run as plain methods.
    activeEngine.clear(this.engine);
    return this.engine.stop();
  }
}
