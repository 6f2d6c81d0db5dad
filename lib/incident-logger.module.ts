import { Inject, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { IncidentBuffer } from './incident-buffer.service';
import { INCIDENT_TARGETS, RESOLVED_INCIDENT_OPTIONS } from './incident-logger.constants';
import { ConfigurableModuleClass, INCIDENT_LOGGER_MODULE_OPTIONS } from './incident-logger.module-definition';
import { resolveOptions, ResolvedIncidentLoggerOptions } from './incident-logger-options.util';
import { IncidentLogger } from './incident-logger.service';
import type { IncidentLoggerModuleOptions } from './interfaces';
import { catchAllRoutePath } from './scope/catch-all-route.util';
import { IncidentScopeMiddleware } from './scope/incident-scope.middleware';
import { resolveTargets } from './targets/resolve-targets.util';

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
      useFactory: (options: ResolvedIncidentLoggerOptions, moduleRef: ModuleRef) => resolveTargets(options.targets, moduleRef),
      inject: [RESOLVED_INCIDENT_OPTIONS, ModuleRef],
    },
    IncidentLogger,
    IncidentBuffer,
  ],
  exports: [IncidentLogger, IncidentBuffer],
})
export class IncidentLoggerModule extends ConfigurableModuleClass implements NestModule {
  constructor(@Inject(RESOLVED_INCIDENT_OPTIONS) private readonly options: ResolvedIncidentLoggerOptions) {
    super();
  }

  configure(consumer: MiddlewareConsumer): void {
    if (!this.options.mountMiddleware) return;
    consumer.apply(IncidentScopeMiddleware).forRoutes({ path: catchAllRoutePath(), method: RequestMethod.ALL });
  }
}
