import diagnosticsChannel from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import type { IncidentScope } from '../scope/incident-scope';
import type { RequestScopes } from '../scope/request-scopes';

/** Published by Node's HTTP server when a response has been sent (every supported Node has it). */
const RESPONSE_FINISH = 'http.server.response.finish';

interface FinishMessage {
  request: IncomingMessage;
}

/**
 * The end of every HTTP request, for the outcome policies (status, slowness,
 * sampling), observed through Node's `diagnostics_channel` rather than a
 * 'finish' listener per response: one subscriber for the process, no
 * closure or listener per request, nothing patched. A request the client
 * abandons publishes nothing; its scope, if it holds records, ends on the
 * response's 'close' as before.
 */
export class RequestEnds {
  private subscribed = false;
  private readonly onFinish = (message: unknown): void => {
    const scope = this.scopes.get((message as FinishMessage).request);
    if (scope !== undefined && !scope.ended) this.end(scope);
  };

  constructor(
    private readonly scopes: RequestScopes,
    private readonly end: (scope: IncidentScope) => void,
  ) {}

  subscribe(): void {
    if (this.subscribed) return;
    diagnosticsChannel.subscribe(RESPONSE_FINISH, this.onFinish);
    this.subscribed = true;
  }

  unsubscribe(): void {
    if (!this.subscribed) return;
    diagnosticsChannel.unsubscribe(RESPONSE_FINISH, this.onFinish);
    this.subscribed = false;
  }
}
