import type { CaptureLimits } from '../interfaces/capture-limits.interface';
import type { Redactor } from '../redact/redactor.interface';

/** How values are captured: bounds and (optional) redaction. */
export interface CapturePolicy {
  limits: CaptureLimits;
  redactor?: Redactor;
}
