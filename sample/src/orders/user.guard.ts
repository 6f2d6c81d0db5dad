import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { IncidentBuffer } from '../../../lib';

/**
 * Stands in for authentication: the user comes from an `x-user-id` header.
 * Where your auth learns who the caller is, `IncidentBuffer.assign()` puts it
 * on the request's scope, so any incident of that request names the user.
 */
@Injectable()
export class UserGuard implements CanActivate {
  constructor(private readonly incidents: IncidentBuffer) {}

  canActivate(context: ExecutionContext): boolean {
    const userId = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers['x-user-id'];
    if (userId !== undefined) this.incidents.assign({ userId });
    return true;
  }
}
