export * from './incident.interface';
export * from './incident-logger-options.interface';
export * from './incident-target.interface';
