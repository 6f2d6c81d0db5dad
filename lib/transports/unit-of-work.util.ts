import type { ExecutionContext } from '@nestjs/common';
import type { ScopeRequest } from '../scope/incident-scope';

// Read from the handler's metadata by name, so the transports' packages stay
// optional: this module never imports @nestjs/microservices, websockets or graphql.
/** `@MessagePattern`/`@EventPattern` (@nestjs/microservices `PATTERN_METADATA`). */
const PATTERN_METADATA = 'microservices:pattern';
/** 1 for a message, 2 for an event (@nestjs/microservices `PATTERN_HANDLER_METADATA`). */
const PATTERN_HANDLER_METADATA = 'microservices:handler_type';
const EVENT_HANDLER = 2;
/** `@SubscribeMessage(event)` (@nestjs/websockets `MESSAGE_METADATA`). */
const MESSAGE_METADATA = 'message';
/** Patterns, event and operation names come from code or clients: shown bounded. */
const MAX_NAME_LENGTH = 200;

function bounded(text: string): string {
  return text.length <= MAX_NAME_LENGTH ? text : `${text.slice(0, MAX_NAME_LENGTH)}…`;
}

function metadata(key: string, context: ExecutionContext): unknown {
  try {
    return Reflect.getMetadata(key, context.getHandler());
  } catch {
    return undefined;
  }
}

/** A pattern as written: a string as is, anything else (`{ cmd: 'sum' }`) as JSON. */
function patternText(pattern: unknown): string {
  if (typeof pattern === 'string') return bounded(pattern);
  try {
    return bounded(JSON.stringify(pattern) ?? String(pattern));
  } catch {
    return '?';
  }
}

/** The message or event a microservice handler serves. */
export function rpcUnit(context: ExecutionContext): ScopeRequest {
  const patterns = metadata(PATTERN_METADATA, context);
  const pattern = Array.isArray(patterns) && patterns.length > 0 ? patterns[0] : context.getHandler().name;
  const method = metadata(PATTERN_HANDLER_METADATA, context) === EVENT_HANDLER ? 'EVENT' : 'RPC';
  return { kind: 'rpc', method, url: patternText(pattern) };
}

/** The WebSocket event a gateway handler serves. */
export function wsUnit(context: ExecutionContext): ScopeRequest {
  const event = metadata(MESSAGE_METADATA, context);
  return { kind: 'ws', method: 'WS', url: event === undefined ? context.getHandler().name : patternText(event) };
}

interface GraphqlInfo {
  fieldName?: unknown;
  operation?: { operation?: unknown; name?: { value?: unknown } | null };
}

/** What a GraphQL resolver call belongs to: its operation, and the HTTP request it came in on (when it did). */
export interface GraphqlCall {
  /** `query GetOrder`; `query order` (the first root field) when the operation has no name. */
  operation: string;
  /** The raw HTTP request (Express's request, Fastify's `request.raw`), when there is one. */
  rawRequest: object | undefined;
}

/** Reads a resolver call's arguments (`root, args, context, info`) without @nestjs/graphql; never throws. */
export function graphqlCall(context: ExecutionContext): GraphqlCall {
  try {
    return readGraphqlCall(context);
  } catch {
    return { operation: 'operation', rawRequest: undefined }; // arguments we cannot read: a scope all the same
  }
}

function readGraphqlCall(context: ExecutionContext): GraphqlCall {
  const info = context.getArgByIndex<GraphqlInfo | undefined>(3);
  const operation = info?.operation;
  const type = typeof operation?.operation === 'string' ? operation.operation : 'operation';
  const name = operation?.name?.value;
  const label = typeof name === 'string' ? name : typeof info?.fieldName === 'string' ? info.fieldName : '';
  const gqlContext = context.getArgByIndex<{ req?: { raw?: unknown } } | undefined>(2);
  const req = gqlContext?.req;
  const raw = req !== undefined && req !== null && typeof req.raw === 'object' && req.raw !== null ? req.raw : req;
  return {
    operation: bounded(label === '' ? type : `${type} ${label}`),
    rawRequest: typeof raw === 'object' && raw !== null ? raw : undefined,
  };
}
