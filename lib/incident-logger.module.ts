import { Inject, MiddlewareConsumer, Module, NestModule, Optional } from '@nestjs/common';
import { APP_FILTER, ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { mountScopeMiddleware } from './catch-all-route.util';
import { activeEngine } from './engine/active-engine';
import { IncidentEngine } from './engine/incident-engine';
import { IncidentBuffer } from './incident-buffer.service';
import { INCIDENT_TARGETS, RESOLVED_INCIDENT_OPTIONS } from './incident-logger.constants';
import { IncidentLoggerLifecycle } from './incident-logger.lifecycle';
import { ConfigurableModuleClass, INCIDENT_LOGGER_MODULE_OPTIONS } from './incident-logger.module-definition';
import { IncidentExceptionObserver } from './incident-exception.observer';
import { IncidentLogger } from './incident-logger.service';
import { IncidentScopeMiddleware } from './incident-scope.middleware';
import { IncidentTargetsLifecycle } from './incident-targets.lifecycle';
import type { IncidentLoggerModuleOptions } from './interfaces/incident-logger-options.interface';
import { resolveOptions } from './options/resolve-options';
import type { ResolvedIncidentLoggerOptions } from './options/resolved-options.interface';
import { resolveTargets } from './targets/resolve-targets.util';
import { IncidentScopeInterceptor } from './transports/incident-scope.interceptor';
import { registerScopeHook } from './transports/pre-request-hook';
import type { TargetList } from './targets/target-list';

/**
 * `IncidentLoggerModule.forRoot(options)` / `forRootAsync({ useFactory | useClass | useExisting })`.
 * Global by default (`isGlobal: false` to opt out); mounts the request-scope
 * middleware on every route.
 * @publicApi
 */
@Module({
  providers: [
    {
      provide: RESOLVED_INCIDENT_OPTIONS,
      useFactory: (options: IncidentLoggerModuleOptions) => resolveOptions(options),
      inject: [INCIDENT_LOGGER_MODULE_OPTIONS],
    },
    {
      provide: INCIDENT_TARGETS,
      // Target classes are created later, once every provider of the app exists (IncidentTargetsLifecycle).
      useFactory: (options: ResolvedIncidentLoggerOptions) => resolveTargets(options.targets),
      inject: [RESOLVED_INCIDENT_OPTIONS],
    },
    {
      provide: IncidentEngine,
      // Active: `@IncidentScoped()` methods find it there (a decorator has no injector).
      useFactory: (options: ResolvedIncidentLoggerOptions, targets: TargetList) => activeEngine.set(new IncidentEngine(options, targets)),
      inject: [RESOLVED_INCIDENT_OPTIONS, INCIDENT_TARGETS],
    },
    IncidentLoggerLifecycle,
    IncidentTargetsLifecycle,
    // Notes the exception a route throws, for its outcome incident; handles nothing, costs nothing per request.
    { provide: APP_FILTER, useClass: IncidentExceptionObserver },
    IncidentLogger,
    IncidentBuffer,
    IncidentScopeInterceptor,
  ],
  // The engine is exported to Nest's DI (not from the package) so an app can mount
  // IncidentScopeMiddleware itself with `mountMiddleware: false`.
  exports: [IncidentLogger, IncidentBuffer, IncidentScopeInterceptor, IncidentEngine],
})
export class IncidentLoggerModule extends ConfigurableModuleClass implements NestModule {
  /** @internal */
  constructor(
    @Inject(RESOLVED_INCIDENT_OPTIONS) private readonly options: ResolvedIncidentLoggerOptions,
    @Inject(IncidentEngine) private readonly engine: IncidentEngine,
    // Absent outside an HTTP application (a standalone context or a microservice has no adapter).
    @Optional() @Inject(HttpAdapterHost) private readonly adapterHost?: HttpAdapterHost,
    @Optional() @Inject(ApplicationConfig) applicationConfig?: ApplicationConfig,
  ) {
    super();
    // Nest 12: each microservice message is scoped before its guards, with nothing to register.
    if (options.scopeMessages) registerScopeHook(applicationConfig, engine);
  }

  configure(consumer: MiddlewareConsumer): void {
    if (!this.options.mountMiddleware) return;
    mountScopeMiddleware(consumer, this.adapterHost, new IncidentScopeMiddleware(this.engine), IncidentScopeMiddleware);
  }
}
