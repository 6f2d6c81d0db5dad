/**
 * Set (non-enumerable) on `IncidentLogger.prototype` by the module's glue:
 * `LoggerServiceTarget` refuses a delegate that carries it, without
 * importing the Nest class (lib/targets runs without Nest, and the glue
 * imports the folders, never the reverse). `Symbol.for`, so two copies of
 * the library in one app still recognise each other's logger.
 * @internal
 */
export const INCIDENT_LOGGER_BRAND: unique symbol = Symbol.for('nestjs-incident-logger.IncidentLogger');
