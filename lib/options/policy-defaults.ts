/** The incident policies' defaults (issue 11), in one place. */
export const DEFAULT_RESERVED_WARNINGS = 5;
export const DEFAULT_AFTER_TRIGGER = { records: 20, ms: 5000 };
export const DEFAULT_STORM = { windowMs: 60_000, fullIncidents: 3, maxIncidents: 60 };

/** `outcome.status`: a 5xx writes the request's window. Compared by identity: the engine applies it without settling the request. */
export const DEFAULT_OUTCOME_STATUS = (status: number): boolean => status >= 500;
/** `ignoreExceptionStatus`: client errors (a logged `NotFoundException`) do not open an incident. */
export const DEFAULT_IGNORED_EXCEPTION_STATUS = (status: number): boolean => status >= 400 && status < 500;
