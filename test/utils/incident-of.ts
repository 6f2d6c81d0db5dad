import type { Incident } from '../../lib';

/** A request incident (id `inc-1`, reason `level`) whose trigger is the last record. */
export function incidentOf(
  records: Incident['records'],
  request: NonNullable<Incident['request']> = { id: 'req-1', method: 'GET', url: '/orders/1' },
): Incident {
  return { id: 'inc-1', reason: 'level', scope: 'request', records, trigger: records[records.length - 1], dropped: 0, request };
}
