import { Body, Controller, Get, Headers, Logger, Module, Post } from '@nestjs/common';
import { formatIncident, IncidentLoggerModule } from '../../lib';
import { MemoryTarget } from '../utils/memory.target';
import { PLATFORMS, startApp, TestApp } from '../utils/test-app';

const target = new MemoryTarget();
const SECRETS = [
  'abc.def.ghi',
  'hunter2',
  'tok-secret-1',
  'pg-secret',
  'cookie-secret',
  'key-secret',
  'body-secret',
  'url-secret-9',
  'ctx-secret-7',
];

@Controller()
class LoginController {
  private readonly logger = new Logger('LoginController');

  @Get('login')
  login() {
    this.logger.debug({ headers: { Authorization: 'Bearer abc.def.ghi' }, password: 'hunter2' });
    this.logger.debug('calling the identity provider with Bearer abc.def.ghi');
    this.logger.debug('redirect to https://idp.example.com/cb?state=1&token=tok-secret-1');
    this.logger.error('login failed');
    return { ok: false };
  }

  @Get('callback')
  callback() {
    // Static call: (message, context) reaches the hot path with a caller-supplied context.
    Logger.debug('oauth callback', 'Bearer ctx-secret-7');
    this.logger.error('callback rejected');
    return { ok: false };
  }

  @Get('throw')
  throws() {
    this.logger.debug('connecting');
    throw new Error('db connect failed: postgres://app:pg-secret@db:5432/orders');
  }

  @Post('session')
  session(@Body() body: Record<string, unknown>, @Headers() headers: Record<string, string>) {
    this.logger.debug({ body, headers });
    this.logger.warn('session rejected');
    return { ok: false };
  }
}

@Module({
  imports: [IncidentLoggerModule.forRoot({ targets: [target] })],
  controllers: [LoginController],
})
class AppModule {}

/** What the target received, and what every built-in format would write. */
function everything(): string {
  return target.incidents
    .flatMap((incident) => [JSON.stringify(incident), formatIncident(incident, 'text'), formatIncident(incident, 'json')])
    .join('\n');
}

describe.each(PLATFORMS)('redaction on %s (default options)', (platform) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(AppModule, platform);
  });
  afterAll(() => t.close());
  beforeEach(() => target.incidents.splice(0));

  it('writes the debug window of a failing request with every secret censored', async () => {
    await (await fetch(`${t.url}/login`)).json();
    expect(target.incidents).toHaveLength(1);
    expect(target.messages(0)).toEqual([
      '{"headers":{"Authorization":"[REDACTED]"},"password":"[REDACTED]"}',
      'calling the identity provider with Bearer [REDACTED]',
      'redirect to https://idp.example.com/cb?state=1&token=[REDACTED]',
      'login failed',
    ]);
    const output = everything();
    for (const secret of SECRETS) expect(output).not.toContain(secret);
  });

  it('censors tokens in the request URL (incident header) and in a hot-path context', async () => {
    await (await fetch(`${t.url}/callback?code=1&access_token=url-secret-9`)).json();
    expect(target.incidents).toHaveLength(1);
    expect(target.incidents[0].request?.url).toBe('/callback?code=1&access_token=[REDACTED]');
    expect(target.incidents[0].records[0].context).toBe('Bearer [REDACTED]');
    const output = everything();
    for (const secret of SECRETS) expect(output).not.toContain(secret);
  });

  // Express's default query parser (qs), Rails and PHP nest keys in brackets; clients encode them.
  const queryForms: Array<[string, string]> = [
    ['user[password]=q-secret-1&y=1', 'user[password]=[REDACTED]&y=1'],
    ['password[]=q-secret-2', 'password[]=[REDACTED]'],
    ['auth[token]=q-secret-3&y=1', 'auth[token]=[REDACTED]&y=1'],
    ['user%5Bpassword%5D=q-secret-4', 'user%5Bpassword%5D=[REDACTED]'],
    ['user%5bpassword%5d=q-secret-5&y=1', 'user%5bpassword%5d=[REDACTED]&y=1'],
    ['next=%2Flogin%3Fpassword%3Dq-secret-6', 'next=%2Flogin%3Fpassword%3D[REDACTED]'],
    ['next=%2Flogin%3Fuser%5Bpassword%5D%3Dq-secret-7%26remember%3D1', 'next=%2Flogin%3Fuser%5Bpassword%5D%3D[REDACTED]%26remember%3D1'],
    ['q=password+%3D+q-secret-8&page=2', 'q=password+%3D+[REDACTED]&page=2'],
    ['q=password%20%3D%20q-secret-9', 'q=password%20%3D%20[REDACTED]'],
  ];
  it.each(queryForms)('censors a secret in bracket or encoded query keys of the request URL: ?%s', async (query, expected) => {
    await (await fetch(`${t.url}/callback?${query}`)).json();
    expect(target.incidents).toHaveLength(1);
    expect(target.incidents[0].request?.url).toBe(`/callback?${expected}`);
    expect(everything()).not.toMatch(/q-secret/);
  });

  it('censors a secret in an unhandled exception message and stack', async () => {
    expect((await fetch(`${t.url}/throw`)).status).toBe(500);
    expect(target.incidents).toHaveLength(1);
    const trigger = target.incidents[0].trigger;
    expect(trigger?.message).toContain('postgres://app:[REDACTED]@db:5432/orders');
    expect(trigger?.stack).toContain('postgres://app:[REDACTED]@db:5432/orders');
    const output = everything();
    for (const secret of SECRETS) expect(output).not.toContain(secret);
  });

  it('censors request headers and body fields logged as objects', async () => {
    const res = await fetch(`${t.url}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: 'theme=dark; sid=cookie-secret', 'x-api-key': 'key-secret' },
      body: JSON.stringify({ user: 'bob', password: 'body-secret', nested: { client_secret: 'body-secret' } }),
    });
    expect(res.status).toBe(201);
    expect(target.incidents).toHaveLength(1);
    const logged = JSON.parse(target.messages(0)[0]);
    expect(logged.body).toEqual({ user: 'bob', password: '[REDACTED]', nested: { client_secret: '[REDACTED]' } });
    expect(logged.headers).toMatchObject({ cookie: '[REDACTED]', 'x-api-key': '[REDACTED]', 'content-type': 'application/json' });
    const output = everything();
    for (const secret of SECRETS) expect(output).not.toContain(secret);
  });
});
