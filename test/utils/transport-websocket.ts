// Helpers of the WebSocket e2e spec (test/e2e/transport-websocket.e2e-spec.ts): an app
// with @nestjs/platform-ws's WsAdapter on a real HTTP server (listen(0)), and a real
// `ws` client speaking the adapter's protocol ({ event, data } JSON messages).
import { Type } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import WebSocket from 'ws';
import { Platform, startApp, TestApp } from './test-app';

export interface WsApp extends TestApp {
  /** ws:// URL of the gateway at `path`. */
  wsUrl(path: string): string;
}

/** Boots `module` as startApp does, with the WsAdapter: gateways share the HTTP server's port. */
export async function startWsApp(module: Type<unknown>, platform: Platform): Promise<WsApp> {
  const t = await startApp(module, platform, true, (app) => app.useWebSocketAdapter(new WsAdapter(app)));
  return { ...t, wsUrl: (path) => `${t.url.replace(/^http/, 'ws')}${path}` };
}

export interface WsClient {
  /** Sends `{ event, data }`; the gateway's handler for `event` runs. */
  send(event: string, data: unknown): void;
  /** The next message the server sends (in order of arrival), parsed. */
  next(): Promise<{ event: string; data: unknown }>;
  close(): Promise<void>;
}

/** Opens a `ws` connection and resolves once it is open. */
export async function openWsClient(url: string): Promise<WsClient> {
  const socket = new WebSocket(url);
  const received: Array<{ event: string; data: unknown }> = [];
  const waiting: Array<(message: { event: string; data: unknown }) => void> = [];
  socket.on('message', (raw) => {
    const message = JSON.parse(String(raw)) as { event: string; data: unknown };
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else received.push(message);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    send: (event, data) => socket.send(JSON.stringify({ event, data })),
    next: () => {
      const message = received.shift();
      return message ? Promise.resolve(message) : new Promise((resolve) => waiting.push(resolve));
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once('close', () => resolve());
        socket.close();
      }),
  };
}
