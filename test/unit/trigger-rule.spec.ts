import { HttpException, NotFoundException } from '@nestjs/common';
import { LogRecord } from '../../lib/capture/log-record';
import { TriggerRule, type TriggerRuleOptions } from '../../lib/policy/trigger-rule';
import { InternalReporter } from '../../lib/shared/internal-reporter';
import { LOG_LEVEL_VALUES } from '../../lib/shared/log-levels';

function rule(options: Partial<TriggerRuleOptions> = {}, lines: string[] = []) {
  const reporter = new InternalReporter((line) => lines.push(line));
  return new TriggerRule(
    {
      flushLevel: 'warn',
      contextFlushLevels: new Map(),
      trigger: undefined,
      ignoreExceptionStatus: (s) => s >= 400 && s < 500,
      ...options,
    },
    reporter,
  );
}
const scope = () => ({ scope: 'global' as const });
const record = (level: LogRecord['level'], context?: string, message = 'm') => new LogRecord(level, 0, message, context);

describe('TriggerRule: whether a record opens an incident', () => {
  it('applies a context flush level instead of flushLevel, and lowers the lowest level when a context asks', () => {
    const r = rule({
      contextFlushLevels: new Map([
        ['TypeOrmLogger', 'error'],
        ['Payments', 'log'],
      ]),
    });
    expect(r.decide(record('warn', 'TypeOrmLogger'), LOG_LEVEL_VALUES.warn, 'm', [], scope)).toBe('buffer');
    expect(r.decide(record('error', 'TypeOrmLogger'), LOG_LEVEL_VALUES.error, 'm', [], scope)).toBe('trigger');
    expect(r.decide(record('warn', 'Other'), LOG_LEVEL_VALUES.warn, 'm', [], scope)).toBe('trigger');
    expect(r.decide(record('log', 'Payments'), LOG_LEVEL_VALUES.log, 'm', [], scope)).toBe('trigger');
    expect(r.lowestValue).toBe(LOG_LEVEL_VALUES.log);
  });

  it('lets the predicate decide, falls back to the level rule on undefined, and on a throw (reported once)', () => {
    const lines: string[] = [];
    const r = rule(
      {
        trigger: (rec) => {
          if (rec.message === 'veto') return false;
          if (rec.message === 'boom') throw new Error('predicate bug');
          return undefined;
        },
      },
      lines,
    );
    expect(r.decide(record('error', undefined, 'veto'), LOG_LEVEL_VALUES.error, 'veto', [], scope)).toBe('buffer');
    expect(r.decide(record('error', undefined, 'other'), LOG_LEVEL_VALUES.error, 'other', [], scope)).toBe('trigger');
    expect(r.decide(record('error', undefined, 'boom'), LOG_LEVEL_VALUES.error, 'boom', [], scope)).toBe('trigger');
    expect(r.decide(record('error', undefined, 'boom'), LOG_LEVEL_VALUES.error, 'boom', [], scope)).toBe('trigger');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('the trigger predicate threw (the level rule decided instead): Error: predicate bug');
  });

  it('ignores a trigger carrying an HTTP exception with an ignored status, wherever it is in the call', () => {
    const r = rule();
    const notFound = new NotFoundException('no order 7');
    expect(r.decide(record('error'), LOG_LEVEL_VALUES.error, notFound, [], scope)).toBe('ignored');
    expect(r.decide(record('error'), LOG_LEVEL_VALUES.error, 'failed', [notFound, 'Ctx'], scope)).toBe('ignored');
    expect(r.decide(record('error'), LOG_LEVEL_VALUES.error, new HttpException('gateway', 502), [], scope)).toBe('trigger');
    expect(
      r.decide(
        record('error'),
        LOG_LEVEL_VALUES.error,
        {
          getStatus: () => {
            throw new Error('hostile');
          },
        },
        [],
        scope,
      ),
    ).toBe('trigger');
    expect(rule({ ignoreExceptionStatus: undefined }).decide(record('error'), LOG_LEVEL_VALUES.error, notFound, [], scope)).toBe('trigger');
  });

  it('setFlushValue changes the global level and the lowest level, not the context levels', () => {
    const r = rule({ contextFlushLevels: new Map([['Quiet', 'fatal']]) });
    r.setFlushValue(LOG_LEVEL_VALUES.log);
    expect(r.lowestValue).toBe(LOG_LEVEL_VALUES.log);
    expect(r.decide(record('log', 'Any'), LOG_LEVEL_VALUES.log, 'm', [], scope)).toBe('trigger');
    expect(r.decide(record('error', 'Quiet'), LOG_LEVEL_VALUES.error, 'm', [], scope)).toBe('buffer');
  });
});
