import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { IncidentLoggerModuleOptions } from './interfaces';

export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: INCIDENT_LOGGER_MODULE_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<IncidentLoggerModuleOptions>({ moduleName: 'IncidentLogger' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createIncidentLoggerOptions')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
