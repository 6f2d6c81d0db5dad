import { Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { IncidentScoped } from '../../../lib';

export class WarehouseTimeoutError extends Error {
  override readonly name = 'WarehouseTimeoutError';
}

/**
 * A nightly cron job. `@IncidentScoped()` gives each run a scope of its own:
 * its lines are kept apart from the global buffer, and a failed run writes
 * its own incident (JOB ReportsJob.nightly, reason=rejected). The scheduler
 * then logs the same error itself: written as that line alone, linked to the
 * job's incident (`links=`), not as the global buffer's window.
 */
@Injectable()
export class ReportsJob {
  private readonly logger = new Logger(ReportsJob.name);

  @Cron('0 3 * * *', { name: 'nightly-report', waitForCompletion: true })
  @IncidentScoped()
  async nightly(): Promise<void> {
    this.logger.debug('nightly report: 1,204 orders to export');
    this.logger.debug('exported 1,000 orders to the warehouse');
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.logger.debug('the warehouse stopped answering after 1,000 orders');
    throw new WarehouseTimeoutError('warehouse export timed out after 1,000 of 1,204 orders');
  }
}
