/** Injection token of the resolved target list. */
export const INCIDENT_TARGETS = Symbol('INCIDENT_TARGETS');
/** Injection token of the validated options with defaults applied. */
export const RESOLVED_INCIDENT_OPTIONS = Symbol('RESOLVED_INCIDENT_OPTIONS');
