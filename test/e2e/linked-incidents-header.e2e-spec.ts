import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ArgumentsHost, Catch, Controller, type ExceptionFilter, Get, Logger, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { type Incident, IncidentLoggerModule, type IncidentLoggerModuleOptions } from '../../lib';
import { Failures, serviceAModule } from '../utils/linked-apps';
import { MemoryTarget } from '../utils/memory.target';
import { PLATFORMS, type Platform, startApp, type TestApp } from '../utils/test-app';
import { until } from '../utils/until';

// The incident header names an incident the target actually received, on
// every path: written before the reply, announced before the reply and
// written after it (ExceptionsHandler, status outcome, marked, downstream).
describe.each(PLATFORMS)('the x-incident-id response header (%s)', (platform: Platform) => {
  let app: TestApp | undefined;
  let target: MemoryTarget;
  let dependency: Server | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await new Promise((resolve) => (dependency ? dependency.close(resolve) : resolve(undefined)));
    dependency = undefined;
  });

  async function boot(options?: IncidentLoggerModuleOptions, dependencyUrl = () => ''): Promise<TestApp> {
    target = new MemoryTarget();
    app = await startApp(serviceAModule(target, dependencyUrl, options), platform);
    return app;
  }

  async function incidentNamedBy(response: Response, header = 'x-incident-id'): Promise<Incident> {
    const id = response.headers.get(header);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await until(() => target.incidents.some((incident) => incident.id === id), `incident ${id} written`);
    return target.incidents.find((incident) => incident.id === id)!;
  }

  it('a logged error: the header names its level incident', async () => {
    const { url } = await boot();
    const response = await fetch(`${url}/logged`);
    expect(response.status).toBe(200);
    const incident = await incidentNamedBy(response);
    expect(incident.reason).toBe('level');
    expect(incident.trigger?.message).toBe('payment declined');
  });

  it('an unlogged thrown error: Nest replies 500 first, then logs it; the header names that incident', async () => {
    const { url } = await boot();
    const response = await fetch(`${url}/thrown`);
    expect(response.status).toBe(500);
    const incident = await incidentNamedBy(response);
    expect(incident.reason).toBe('level');
    expect(incident.trigger?.context).toBe('ExceptionsHandler');
    expect(target.incidents).toHaveLength(1);
  });

  it('an InternalServerErrorException nobody logs: the header names the status incident written when the response ended', async () => {
    const { url } = await boot();
    const response = await fetch(`${url}/ise`);
    expect(response.status).toBe(500);
    const incident = await incidentNamedBy(response);
    expect(incident.reason).toBe('status');
    expect(incident.outcome?.status).toBe(500);
  });

  it('an error logged, then a 500 HttpException thrown: the header still names the one incident written (the logged one)', async () => {
    const { url } = await boot();
    const response = await fetch(`${url}/logged-then-ise`);
    expect(response.status).toBe(500);
    const incident = await incidentNamedBy(response);
    expect(incident.reason).toBe('level');
    expect(incident.trigger?.message).toBe('charge failed');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(target.incidents.map((written) => written.reason)).toEqual(['level']);
  });

  it('an app filter that answers the error itself (422, not logged): the announced incident is still written', async () => {
    target = new MemoryTarget();
    @Catch()
    class DomainErrorFilter implements ExceptionFilter {
      catch(_error: unknown, host: ArgumentsHost) {
        const response = host.switchToHttp().getResponse();
        // Express and Fastify answer differently; the filter logs nothing.
        if (typeof response.code === 'function') void response.code(422).send({ error: 'mapped' });
        else response.status(422).json({ error: 'mapped' });
      }
    }
    @Controller()
    class RulesController {
      private readonly logger = new Logger('Rules');
      @Get('rule')
      rule() {
        this.logger.debug('checking the domain rule');
        throw new Error('domain rule broken');
      }
    }
    @Module({
      imports: [IncidentLoggerModule.forRoot({ targets: [target], startupNotice: false })],
      controllers: [RulesController],
      providers: [{ provide: APP_FILTER, useClass: DomainErrorFilter }],
    })
    class FilteredModule {}
    app = await startApp(FilteredModule, platform);
    const response = await fetch(`${app.url}/rule`);
    expect(response.status).toBe(422);
    const incident = await incidentNamedBy(response);
    expect(incident.reason).toBe('status');
    expect(incident.outcome?.status).toBe(422);
    expect(incident.records.map((record) => record.message)).toEqual([
      'checking the domain rule',
      expect.stringMatching(/^GET \/rule -> 422 in \d+ ms, the incident its response header announced: Error: domain rule broken$/),
    ]);
  });

  it('markForIncident(): the header names the marked incident', async () => {
    const { url } = await boot();
    const response = await fetch(`${url}/marked`);
    const incident = await incidentNamedBy(response);
    expect(incident.reason).toBe('marked');
  });

  it('a failed call to a dependency: the header names the downstream incident of a request that answered 200', async () => {
    const failures = new Failures();
    dependency = createServer((_req, res) => {
      failures.received.push({ url: _req.url ?? '', requestId: undefined, traceparent: undefined });
      res.statusCode = failures.received.length === 1 ? 503 : 200;
      res.end('{}');
    });
    await new Promise<void>((resolve) => dependency!.listen(0, '127.0.0.1', resolve));
    const port = (dependency.address() as AddressInfo).port;
    const { url } = await boot(undefined, () => `http://127.0.0.1:${port}`);
    const response = await fetch(`${url}/checkout/fetch/7`);
    expect(response.status).toBe(200);
    const incident = await incidentNamedBy(response);
    expect(incident.reason).toBe('downstream');
    // A dependency without this module names no incident: nothing to link.
    expect(incident.links).toBeUndefined();
    expect(incident.records.map((record) => [record.level, record.context, record.message])).toEqual([
      ['debug', 'Checkout', 'checkout of order 7 with fetch'],
      ['warn', 'IncidentLinks', `GET http://127.0.0.1:${port}/orders/7 -> 503`],
      ['debug', 'Checkout', 'attempt 1 answered 503, retrying'],
      [
        'warn',
        'IncidentOutcome',
        expect.stringMatching(
          /^GET \/checkout\/fetch\/7 -> 200 in \d+ ms, after a failed call: GET http:\/\/127\.0\.0\.1:\d+\/orders\/7 -> 503$/,
        ),
      ],
    ]);
  });

  it("a call started after its request ended (a poller first set in a request) is not that request's call", async () => {
    const received: Array<{ requestId: unknown; traceparent: unknown }> = [];
    dependency = createServer((req, res) => {
      received.push({ requestId: req.headers['x-request-id'], traceparent: req.headers.traceparent });
      res.statusCode = 503;
      res.end();
    });
    await new Promise<void>((resolve) => dependency!.listen(0, '127.0.0.1', resolve));
    const port = (dependency.address() as AddressInfo).port;
    const { url } = await boot(undefined, () => `http://127.0.0.1:${port}`);
    const response = await fetch(`${url}/poller`, { headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-incident-id')).toBeNull();
    await until(() => received.length === 1, 'the poll');
    // The 503 is answered to a request that ended: had it been observed, a downstream incident would follow at once.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toEqual([{ requestId: undefined, traceparent: undefined }]);
    expect(target.incidents).toEqual([]);
  });

  it('links each remote incident once, at most 16', async () => {
    let answered = 0;
    dependency = createServer((_req, res) => {
      // Each remote incident named twice in a row (a client retrying against the same failure).
      res.setHeader('x-incident-id', `remote-${Math.ceil(++answered / 2)}`);
      res.statusCode = 503;
      res.end();
    });
    await new Promise<void>((resolve) => dependency!.listen(0, '127.0.0.1', resolve));
    const port = (dependency.address() as AddressInfo).port;
    const { url } = await boot(undefined, () => `http://127.0.0.1:${port}`);
    const incident = await incidentNamedBy(await fetch(`${url}/fanout/40`));
    expect(answered).toBe(40);
    expect(incident.reason).toBe('downstream');
    expect(incident.links).toEqual(Array.from({ length: 16 }, (_, index) => `remote-${index + 1}`));
  });

  it('a request that writes nothing, and an ignored 404, carry no header', async () => {
    const { url } = await boot();
    const quiet = await fetch(`${url}/quiet`);
    const missing = await fetch(`${url}/missing`);
    expect(missing.status).toBe(404);
    expect(quiet.headers.get('x-incident-id')).toBeNull();
    expect(missing.headers.get('x-incident-id')).toBeNull();
    expect(target.incidents).toHaveLength(0);
  });

  it('an outcome.status that writes 404s announces them too (asked once)', async () => {
    let asked = 0;
    const { url } = await boot({ outcome: { status: (status) => (asked++, status === 404) } });
    const response = await fetch(`${url}/missing`);
    const incident = await incidentNamedBy(response);
    expect(incident.reason).toBe('status');
    expect(asked).toBe(1);
  });

  it('a header name of your own', async () => {
    const { url } = await boot({ incidentLinks: { header: 'x-failure-ref' } });
    const response = await fetch(`${url}/thrown`);
    expect(response.headers.get('x-incident-id')).toBeNull();
    await incidentNamedBy(response, 'x-failure-ref');
  });

  it.each([[{ incidentLinks: false as const }], [{ incidentLinks: { header: false as const } }]])(
    'no header with %j; the incidents are written as before',
    async (options) => {
      const { url } = await boot(options);
      const thrown = await fetch(`${url}/thrown`);
      const ise = await fetch(`${url}/ise`);
      expect(thrown.headers.get('x-incident-id')).toBeNull();
      expect(ise.headers.get('x-incident-id')).toBeNull();
      await until(() => target.incidents.length === 2, 'two incidents');
      expect(target.incidents.map((incident) => incident.reason).sort()).toEqual(['level', 'status']);
    },
  );
});
