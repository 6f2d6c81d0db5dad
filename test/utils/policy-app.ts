// Shared helpers of the incident-policy e2e specs (test/e2e/policy-*.e2e-spec.ts):
// a real app on Express or Fastify with the module configured per test, plain
// HTTP calls, captured output streams and stderr.
import { Module, Type } from '@nestjs/common';
import * as http from 'node:http';
import { IncidentBuffer, IncidentLoggerModule, IncidentLoggerModuleOptions } from '../../lib';
import { Platform, startApp, TestApp } from './test-app';

export interface PolicyApp extends TestApp {
  buffer: IncidentBuffer;
}

/**
 * Boots the module with `options` (startup notice off unless asked for) and
 * `controllers`, the way a user does (see startApp): real HTTP on a free port.
 */
export async function startPolicyApp(
  platform: Platform,
  options: IncidentLoggerModuleOptions,
  controllers: Type<unknown>[],
  providers: Type<unknown>[] = [],
): Promise<PolicyApp> {
  @Module({ imports: [IncidentLoggerModule.forRoot({ startupNotice: false, ...options })], controllers, providers })
  class PolicyAppModule {}
  const t = await startApp(PolicyAppModule, platform);
  return { ...t, buffer: t.app.get(IncidentBuffer) };
}

/** Boots an app whose module options are bad: resolves to the startup error. */
export async function startupError(platform: Platform, options: IncidentLoggerModuleOptions): Promise<Error> {
  @Module({ imports: [IncidentLoggerModule.forRoot({ startupNotice: false, ...options })] })
  class BadPolicyModule {}
  let t: TestApp | undefined;
  try {
    t = await startApp(BadPolicyModule, platform, false);
  } catch (error) {
    return error as Error;
  }
  await t.close();
  throw new Error(`the app started with ${JSON.stringify(options)}`);
}

/** GET `path` (request id header when given): the status and the body as text. */
export async function get(t: TestApp, path: string, requestId?: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${t.url}${path}`, requestId === undefined ? {} : { headers: { 'x-request-id': requestId } });
  return { status: res.status, body: await res.text() };
}

/**
 * Starts GET `path` and returns a function that drops the connection before
 * the response (the client went away). node:http rather than fetch: an
 * aborted fetch keeps Fastify's close() waiting for seconds.
 */
export function abandonable(t: TestApp, path: string): () => Promise<void> {
  const request = http.get(`${t.url}${path}`);
  const failed = new Promise<void>((resolve) => request.on('error', () => resolve()));
  return () => {
    request.destroy();
    return failed;
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * How long a test waits after a response before it says "nothing else was
 * written": the scope ends on the response's 'close', just after the client
 * has its response. A wait for an absence, never a timing assertion.
 */
export const QUIET_MS = 150;

/** A stream for ConsoleTarget that keeps every chunk written to it. */
export class CapturedStream {
  readonly chunks: string[] = [];
  readonly write = (chunk: string): boolean => {
    this.chunks.push(chunk);
    return true;
  };

  get text(): string {
    return this.chunks.join('');
  }

  get bytes(): number {
    return this.chunks.reduce((sum, chunk) => sum + Buffer.byteLength(chunk), 0);
  }

  /** JSON lines, parsed. */
  json(): Array<Record<string, unknown>> {
    return this.text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

/** Times `needle` occurs in `haystack`. */
export function occurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

export { captureStderr } from './capture-stderr';
