import { Controller, Get, Logger, Module, Param, Res } from '@nestjs/common';
import crypto = require('node:crypto');
import type { ServerResponse } from 'node:http';
import { IncidentBuffer, IncidentLoggerModule } from '../../lib';
import { MemoryTarget } from '../utils/memory.target';
import { PLATFORMS, startApp, TestApp } from '../utils/test-app';

// What the request scope does per request, and what it leaves for when it is
// needed: no request id, no registry entry and no 'close' listener until
// something needs them (see docs/design-decisions.md, "The request id").
const target = new MemoryTarget();
let gate: Promise<void> = Promise.resolve();

/** The raw response on either platform: Express's response is one, Fastify's reply holds it. */
const rawResponse = (res: ServerResponse | { raw: ServerResponse }): ServerResponse => ('raw' in res ? res.raw : res);

@Controller()
class CostController {
  private readonly logger = new Logger('Cost');
  constructor(private readonly buffer: IncidentBuffer) {}

  @Get('quiet')
  quiet() {
    return { live: this.buffer.stats().liveScopes };
  }

  @Get('close-listeners')
  closeListeners(@Res({ passthrough: true }) reply: ServerResponse | { raw: ServerResponse }) {
    const res = rawResponse(reply);
    const before = res.listeners('close');
    const liveBefore = this.buffer.stats().liveScopes;
    this.logger.debug('first record');
    this.logger.debug('second record');
    const added = res.listeners('close').filter((listener) => !before.includes(listener));
    return { added: added.length, liveBefore, liveAfter: this.buffer.stats().liveScopes };
  }

  @Get('held/:n')
  async held(@Param('n') n: string) {
    this.logger.debug(`held ${n}`);
    await gate;
    return 'ok';
  }

  @Get('late/:n')
  late(@Param('n') n: string) {
    // Work the request did not await: it logs after the response is closed.
    setTimeout(() => this.logger.debug(`late ${n}`), 50);
    return 'ok';
  }

  @Get('id')
  id() {
    return { id: this.buffer.request?.id };
  }
}

function moduleWith(options: { setResponseHeader?: boolean }) {
  @Module({
    imports: [IncidentLoggerModule.forRoot({ targets: [target], startupNotice: false, ...options })],
    controllers: [CostController],
  })
  class CostModule {}
  return CostModule;
}

describe.each(PLATFORMS)('per-request cost of the scope on %s', (platform) => {
  describe('setResponseHeader: false', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp(moduleWith({ setResponseHeader: false }), platform);
    });
    afterAll(() => t.close());

    it('generates no request id for a request that never reads it', async () => {
      const spy = jest.spyOn(crypto, 'randomUUID');
      try {
        for (let i = 0; i < 5; i++) expect((await fetch(`${t.url}/quiet`)).status).toBe(200);
        expect(spy).not.toHaveBeenCalled();
      } finally {
        spy.mockRestore();
      }
    });

    it('still generates one when it is read, and sends no header', async () => {
      const res = await fetch(`${t.url}/id`);
      const { id } = (await res.json()) as { id: string };
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers.get('x-request-id')).toBeNull();
    });

    it('a request that logs nothing is not a live scope; one that logs is, until its response closes', async () => {
      expect(await (await fetch(`${t.url}/quiet`)).json()).toEqual({ live: 0 });
      const body = (await (await fetch(`${t.url}/close-listeners`)).json()) as { added: number; liveBefore: number; liveAfter: number };
      // One 'close' listener, added with the first record (none for the second).
      expect(body).toEqual({ added: 1, liveBefore: 0, liveAfter: 1 });
      await waitFor(() => t.app.get(IncidentBuffer).stats().liveScopes === 0);
      expect(t.app.get(IncidentBuffer).stats()).toMatchObject({ liveScopes: 0, bufferedBytes: 0 });
    });

    it('counts concurrent logging requests as live scopes and releases them when they end', async () => {
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      const buffer = t.app.get(IncidentBuffer);
      const pending = Array.from({ length: 4 }, (_, n) => fetch(`${t.url}/held/${n}`));
      await waitFor(() => buffer.stats().liveScopes === 4);
      release();
      await Promise.all(pending);
      await waitFor(() => buffer.stats().liveScopes === 0);
      expect(buffer.stats()).toMatchObject({ liveScopes: 0, bufferedBytes: 0 });
    });

    it('a first record after the response closed does not leave a live scope behind', async () => {
      const buffer = t.app.get(IncidentBuffer);
      for (let n = 0; n < 3; n++) expect((await fetch(`${t.url}/late/${n}`)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(buffer.stats()).toMatchObject({ liveScopes: 0, bufferedBytes: 0 });
    });
  });

  describe('default options', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp(moduleWith({}), platform);
    });
    afterAll(() => t.close());

    it('sends no request-id header and generates no id for a request that logs nothing', async () => {
      const spy = jest.spyOn(crypto, 'randomUUID');
      try {
        const res = await fetch(`${t.url}/quiet`);
        expect(res.status).toBe(200);
        expect(res.headers.get('x-request-id')).toBeNull();
        expect(spy).not.toHaveBeenCalled();
      } finally {
        spy.mockRestore();
      }
    });
  });

  describe('setResponseHeader: true', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp(moduleWith({ setResponseHeader: true }), platform);
    });
    afterAll(() => t.close());

    it('echoes the generated id, the same one the request sees', async () => {
      const res = await fetch(`${t.url}/id`);
      const { id } = (await res.json()) as { id: string };
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers.get('x-request-id')).toBe(id);
    });

    it('echoes a valid incoming id as is', async () => {
      const res = await fetch(`${t.url}/id`, { headers: { 'x-request-id': 'given-1' } });
      expect(await res.json()).toEqual({ id: 'given-1' });
      expect(res.headers.get('x-request-id')).toBe('given-1');
    });
  });
});

async function waitFor(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}
