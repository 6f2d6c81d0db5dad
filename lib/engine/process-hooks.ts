export interface ProcessHookHandlers {
  onCrash(error: unknown, origin: NodeJS.UncaughtExceptionOrigin): void;
  onExit(): void;
  onDumpSignal(): void;
}

/**
 * The process listeners of one logger. `uncaughtExceptionMonitor` observes
 * uncaught exceptions and (in Node's default `throw` mode) unhandled
 * rejections without changing how the process dies or its exit code; no
 * `unhandledRejection` listener is added, since one would stop the crash.
 */
export class ProcessHooks {
  private readonly listeners: Array<[string, (...args: any[]) => void]> = [];

  constructor(
    private readonly handlers: ProcessHookHandlers,
    private readonly options: { flushOnCrash: boolean; dumpSignal?: NodeJS.Signals },
  ) {}

  install(): void {
    if (this.listeners.length > 0) return;
    if (this.options.flushOnCrash) {
      this.listen('uncaughtExceptionMonitor', (error: unknown, origin: NodeJS.UncaughtExceptionOrigin) =>
        this.handlers.onCrash(error, origin),
      );
    }
    // Only synchronous work runs at exit: pending async writes get flushed here.
    this.listen('exit', () => this.handlers.onExit());
    if (this.options.dumpSignal) this.listen(this.options.dumpSignal, () => this.handlers.onDumpSignal());
  }

  uninstall(): void {
    for (const [event, listener] of this.listeners.splice(0)) process.removeListener(event, listener);
  }

  private listen(event: string, listener: (...args: any[]) => void): void {
    const guarded = (...args: any[]) => {
      try {
        listener(...args);
      } catch {
        // Never add a second failure to a dying process.
      }
    };
    process.on(event as 'exit', guarded);
    this.listeners.push([event, guarded]);
  }
}
