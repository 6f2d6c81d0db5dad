import { createRedactor } from '../../lib/redact/redactor';
import { luhnValid } from '../../lib/redact/secret-formats';

const redactor = createRedactor();

/** Scrubs, and checks that scrubbing the result again changes nothing (capture may scrub twice). */
function scrub(text: string, r = redactor): string {
  const once = r.scrub(text);
  expect(r.scrub(once)).toBe(once);
  return once;
}

// Example credentials from the providers' documentation, or random strings of the documented shape.
const AWS_ID = 'AKIAIOSFODNN7EXAMPLE';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const GITHUB_CLASSIC = 'wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx'; // 36
const GITHUB_FINE = '11ABCDEFG0123456789abcd_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH'; // 82
const PEM_BODY = 'MIIEpAIBAAKCAQEA1c7+9z5Pad7OejecsQ0bu3aumgP6\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ==';

describe('well-known secret formats (default patterns)', () => {
  const cases: Array<[string, string, string]> = [
    ['AWS access key id', `key ${AWS_ID} used`, 'key AKIA[REDACTED] used'],
    ['AWS temporary key id', 'creds ASIAY34FZKBOKMUTVV7A expire at 12:00', 'creds ASIA[REDACTED] expire at 12:00'],
    ['AWS id and secret, CSV row', `${AWS_ID},${AWS_SECRET}`, 'AKIA[REDACTED],[REDACTED]'],
    [
      'AWS id and secret, CLI flags',
      `aws --id ${AWS_ID} --key ${AWS_SECRET} --region eu-west-1`,
      'aws --id AKIA[REDACTED] --key [REDACTED] --region eu-west-1',
    ],
    ['AWS secret under its key name', `aws_secret_access_key = ${AWS_SECRET}`, 'aws_secret_access_key = [REDACTED]'],
    ['AWS id after an encoded byte', `cred%3D${AWS_ID}%2F20261202`, 'cred%3DAKIA[REDACTED]%2F20261202'],
    ['GitHub personal token', `git clone https://x:ghp_${GITHUB_CLASSIC}@github.com/o/r`, 'git clone https://x:[REDACTED]@github.com/o/r'],
    [
      'GitHub tokens',
      `ghp_${GITHUB_CLASSIC} gho_${GITHUB_CLASSIC} ghu_${GITHUB_CLASSIC} ghs_${GITHUB_CLASSIC} ghr_${GITHUB_CLASSIC}`,
      'ghp_[REDACTED] gho_[REDACTED] ghu_[REDACTED] ghs_[REDACTED] ghr_[REDACTED]',
    ],
    ['GitHub fine-grained token', `using github_pat_${GITHUB_FINE}.`, 'using github_pat_[REDACTED].'],
    ['GitLab token', 'PRIVATE-TOKEN glpat-x9Yz_AbCdEfGhIjKlMnO', 'PRIVATE-TOKEN glpat-[REDACTED]'],
    ['Slack tokens', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx, xoxp-1-abcdefghij', 'xoxb-[REDACTED], xoxp-[REDACTED]'],
    [
      'Stripe keys',
      'sk_live_4eC39HqLyjWDarjtT1zdp7dc rk_live_51HqLyjWDarjtT1 sk_test_4eC39HqLyjWDarjtT1zdp7dc',
      'sk_live_[REDACTED] rk_live_[REDACTED] sk_test_[REDACTED]',
    ],
    ['Google API key', '"key":"AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe"', '"key":"AIza[REDACTED]"'],
    ['card, contiguous', 'paid with 4111111111111111 ok', 'paid with [REDACTED] ok'],
    ['card, spaces', 'card 4111 1111 1111 1111, exp 12/27', 'card [REDACTED], exp 12/27'],
    ['card, dashes', 'card 5555-5555-5555-4444.', 'card [REDACTED].'],
    ['card, Amex 4-6-5', 'amex 3782 822463 10005 and 378282246310005', 'amex [REDACTED] and [REDACTED]'],
    ['card, 19 digits 4-4-4-4-3', 'card 6011 0009 9013 9424 009', 'card [REDACTED]'],
    ['card, 14 digits (Diners) and 13 (old Visa)', 'diners 3056 930902 5904 and 4222222222222', 'diners [REDACTED] and [REDACTED]'],
    ['card, CSV row', 'bob,4111111111111111,12/27', 'bob,[REDACTED],12/27'],
    ['card, in an encoded query', 'next=%2Fpay%3Fcard%3D4111111111111111%26x%3D1', 'next=%2Fpay%3Fcard%3D[REDACTED]%26x%3D1'],
    ['hash syntax, double quotes', '{"password" => "hunter2", "user" => "bob"}', '{"password" => "[REDACTED]", "user" => "bob"}'],
    ['hash syntax, Ruby symbol', "{:token => 'abc123', :id => 7}", "{:token => '[REDACTED]', :id => 7}"],
    ['hash syntax, PHP print_r', '[password] => hunter2\n[user] => bob', '[password] => [REDACTED]\n[user] => bob'],
    ['hash syntax, bare', 'password=>hunter2', 'password=>[REDACTED]'],
    [
      'XML element',
      '<user><password>hunter2</password><name>bob</name></user>',
      '<user><password>[REDACTED]</password><name>bob</name></user>',
    ],
    [
      'XML element, namespaced, attributes, CDATA',
      '<ns:Token type="x"><![CDATA[a<b]]></ns:Token>',
      '<ns:Token type="x">[REDACTED]</ns:Token>',
    ],
    [
      'XML attribute of a secret element',
      '<session token="abc" id="7">xyz</session>',
      '<session token="[REDACTED]" id="7">[REDACTED]</session>',
    ],
    ['XML text of an ordinary element', '<note>password=abc</note>', '<note>password=[REDACTED]'],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(scrub(input)).toBe(expected);
  });

  it('censors AWS presigned URL credentials, as strings and as object keys', () => {
    const url =
      'https://b.s3.amazonaws.com/k.png?X-Amz-Algorithm=AWS4-HMAC-SHA256' +
      `&X-Amz-Credential=${AWS_ID}%2F20261202%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261202T050512Z&X-Amz-Expires=3600` +
      '&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEJr%2F%2F&X-Amz-SignedHeaders=host' +
      '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404';
    expect(scrub(url)).toBe(
      'https://b.s3.amazonaws.com/k.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=[REDACTED]' +
        '&X-Amz-Date=20261202T050512Z&X-Amz-Expires=3600&X-Amz-Security-Token=[REDACTED]&X-Amz-SignedHeaders=host&X-Amz-Signature=[REDACTED]',
    );
    expect(scrub(`redirect=${encodeURIComponent(url)}`)).not.toMatch(/aeeed9|IQoJ|IOSFODNN/);
    expect(scrub('{"X-Amz-Signature":"aeeed9bb","x-amz-credential":"AKIA/x"}')).toBe(
      '{"X-Amz-Signature":"[REDACTED]","x-amz-credential":"[REDACTED]"}',
    );
    expect(redactor.isSecretKey('X-Amz-Signature')).toBe(true);
    expect(redactor.isSecretKey('X-Amz-Credential')).toBe(true);
    expect(redactor.isSecretKey('X-Amz-Date')).toBe(false);
  });

  it('censors the 40-character AWS secret only within 100 characters after an access key id, on the same line', () => {
    expect(scrub(`${AWS_ID} ${'x '.repeat(40)}${AWS_SECRET}`)).toBe(`AKIA[REDACTED] ${'x '.repeat(40)}[REDACTED]`);
    const far = `${AWS_ID} ${'x '.repeat(55)}${AWS_SECRET}`;
    expect(scrub(far)).toBe(`AKIA[REDACTED] ${'x '.repeat(55)}${AWS_SECRET}`);
    expect(scrub(`${AWS_ID}\n${AWS_SECRET}`)).toBe(`AKIA[REDACTED]\n${AWS_SECRET}`);
    expect(scrub(`${AWS_SECRET} ${AWS_ID}`)).toBe(`${AWS_SECRET} AKIA[REDACTED]`);
    // Any 40-character token there is taken for the secret, a SHA-1 included.
    expect(scrub(`${AWS_ID} commit a94a8fe5ccb19ba61c4c0873d391e987982fbbd3`)).toBe('AKIA[REDACTED] commit [REDACTED]');
    expect(scrub(`a ${AWS_ID} b ${AWS_SECRET} c ASIAY34FZKBOKMUTVV7A d ${AWS_SECRET}`)).toBe(
      'a AKIA[REDACTED] b [REDACTED] c ASIA[REDACTED] d [REDACTED]',
    );
  });

  it('censors PEM private keys, with or without their END line, and keeps certificates and public keys', () => {
    for (const label of [
      'PRIVATE KEY',
      'RSA PRIVATE KEY',
      'EC PRIVATE KEY',
      'OPENSSH PRIVATE KEY',
      'ENCRYPTED PRIVATE KEY',
      'PGP PRIVATE KEY BLOCK',
    ]) {
      const block = `-----BEGIN ${label}-----\n${PEM_BODY}\n-----END ${label}-----`;
      expect(scrub(`key:\n${block}\nnext line`)).toBe(`key:\n-----BEGIN ${label}-----[REDACTED]-----END ${label}-----\nnext line`);
      expect(scrub(JSON.stringify({ pem: block, n: 1 }))).toBe(`{"pem":"-----BEGIN ${label}-----[REDACTED]-----END ${label}-----","n":1}`);
    }
    const encrypted = `-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,3F2504E0\n\n${PEM_BODY}\n-----END RSA PRIVATE KEY-----`;
    expect(scrub(encrypted)).toBe('-----BEGIN RSA PRIVATE KEY-----[REDACTED]-----END RSA PRIVATE KEY-----');
    // Cut by a length limit: censored to the last character a PEM body can hold.
    expect(scrub(`cut -----BEGIN PRIVATE KEY-----\n${PEM_BODY.slice(0, 30)}…[truncated 3000 chars]`)).toBe(
      'cut -----BEGIN PRIVATE KEY-----[REDACTED]…[truncated 3000 chars]',
    );
    // As the value of a secret key, raw or quoted, on the key's line or not.
    expect(scrub(`private_key=-----BEGIN EC PRIVATE KEY-----\n${PEM_BODY}\n-----END EC PRIVATE KEY-----`)).toBe(
      'private_key=-----BEGIN EC PRIVATE KEY-----[REDACTED]-----END EC PRIVATE KEY-----',
    );
    expect(scrub(`Cookie: -----BEGIN PRIVATE KEY-----\n${PEM_BODY}`)).toBe('Cookie: -----BEGIN PRIVATE KEY-----[REDACTED]');
    expect(scrub(`private_key: "-----BEGIN PRIVATE KEY-----\\n${PEM_BODY}"`)).toBe('private_key: "-----BEGIN PRIVATE KEY-----[REDACTED]"');
    expect(scrub(`%20 private_key: "-----BEGIN PRIVATE KEY-----\\n${PEM_BODY}\n-----END PRIVATE KEY-----"`)).toBe(
      '%20 private_key: "[REDACTED]"',
    );
    const cert = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----';
    expect(scrub(cert)).toBe(cert);
    expect(scrub('-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQY\n-----END PUBLIC KEY-----')).toBe(
      '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQY\n-----END PUBLIC KEY-----',
    );
  });

  it('keeps shapes that only look like the formats', () => {
    for (const text of [
      `XAKIAIOSFODNN7EXAMPLE and ${AWS_ID}X`, // not a whole token
      'AKIAIOSFODNN7EXAM', // too short
      `ghp_${GITHUB_CLASSIC.slice(0, 30)} github_pat_short`, // too short
      `xghp_${GITHUB_CLASSIC}`, // inside a longer word
      'risk_live_dashboards and sk_live_short', // a word ending in rk_live_, a short key
      'pk_live_51HqLyjWDarjtT1zdp7dc', // publishable, meant to be public
      'AIzaShort',
      'order 4111111111111112 fails Luhn',
      'epoch 1733112345678 ms, 17331123456789 us', // starts with 1: never a card
      'float 0.4111111111111111 and 4111111111111111.5',
      'hex 4111111111111111abc and 34111111111111111111111 (too long)',
      'build 4111-2222-3333 finished', // 12 digits
    ]) {
      expect(scrub(text)).toBe(text);
    }
  });

  it('finds a format that starts inside the value of another rule', () => {
    // A value ends before a PEM header, so the block is still found whole.
    expect(scrub(`token==-----BEGIN PRIVATE KEY-----\n${PEM_BODY}`)).toBe('token=[REDACTED]-----BEGIN PRIVATE KEY-----[REDACTED]');
    expect(scrub(`Bearer -----BEGIN PRIVATE KEY-----\n${PEM_BODY}`)).toBe('Bearer -----BEGIN PRIVATE KEY-----[REDACTED]');
    expect(scrub(`password%3D -----BEGIN PRIVATE KEY-----\n${PEM_BODY}`)).toBe('password%3D [REDACTED]');
    // A value ending in four digits takes the digit groups after it (the rest of a card).
    expect(scrub('password:=2000 000000 00008 ok')).toBe('password:[REDACTED] ok');
    expect(scrub('Bearer 4111 1111 1111 1111 ok')).toBe('Bearer [REDACTED] ok');
    expect(scrub('password%3D 4111 1111 1111 1111&x=1')).toBe('password%3D [REDACTED]&x=1');
    // An access key id censored by another rule still opens the window for its secret.
    expect(scrub(`Bearer ${AWS_ID} ${AWS_SECRET}`)).toBe('Bearer [REDACTED] [REDACTED]');
    // A card-shaped run that fails Luhn is not consumed: a card may start inside it.
    expect(scrub('PIN 4821 4111 1111 1111 1111')).toBe('PIN 4821 [REDACTED]');
    expect(scrub('card 4111 1111 1111 1111 200 EUR')).toBe('card [REDACTED] 200 EUR');
    expect(scrub('Basic auth dXNlcjpodW50ZXIy')).toBe('Basic auth dXNlcjpodW50ZXIy');
  });

  it('does not read its own censor as a query-key bracket on a second scrub', () => {
    expect(scrub('token%5D4111111111111111:token')).toBe('token%5D[REDACTED]:token');
    expect(scrub('token[REDACTED]4111111111111111://')).toBe('token[REDACTED][REDACTED]://');
  });

  it('checks the Luhn sum of card numbers only', () => {
    for (const valid of ['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117', '4111 1111 1111 1111']) {
      expect(luhnValid(valid)).toBe(true);
    }
    for (const invalid of ['4111111111111112', '1234567812345678', '2345678901234567']) expect(luhnValid(invalid)).toBe(false);
  });
});

describe('options and the formats', () => {
  it('replaceDefaultPatterns drops the formats but keeps every key syntax', () => {
    const noPatterns = createRedactor({ replaceDefaultPatterns: true });
    const formats = `${AWS_ID} ghp_${GITHUB_CLASSIC} 4111111111111111 -----BEGIN PRIVATE KEY-----\n${PEM_BODY} X-Amz-Signature=abc`;
    expect(noPatterns.scrub(formats)).toBe(formats);
    expect(noPatterns.isSecretKey('X-Amz-Signature')).toBe(false);
    expect(noPatterns.scrub('a[password]=1 b%5Btoken%5D=2 c%3Fpwd%3D3 "secret" => "4" <password>5</password> X-Amz-Security-Token=6')).toBe(
      'a[password]=[REDACTED] b%5Btoken%5D=[REDACTED] c%3Fpwd%3D[REDACTED] "secret" => "[REDACTED]" <password>[REDACTED]</password> X-Amz-Security-Token=[REDACTED]',
    );
  });

  it('applies user keys to every key syntax', () => {
    const custom = createRedactor({ keys: ['ssn'] });
    expect(custom.scrub('u[ssn]=1 u%5Bssn%5D=2 x%3Fssn%3D3 "ssn" => "4" <ssn>5</ssn> <SSN>6</SSN>')).toBe(
      'u[ssn]=[REDACTED] u%5Bssn%5D=[REDACTED] x%3Fssn%3D[REDACTED] "ssn" => "[REDACTED]" <ssn>[REDACTED]</ssn> <SSN>[REDACTED]</SSN>',
    );
  });

  // (Not with an empty censor: `token=a b` -> `token= b` -> `token= `, as before these patterns.)
  it.each([['***'], ['<secret>'], ['XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX']])('stays idempotent with the censor %j', (censor) => {
    const r = createRedactor({ censor });
    const text =
      `${AWS_ID} ${AWS_SECRET} ghp_${GITHUB_CLASSIC} 4111 1111 1111 1111 sk_live_4eC39HqLyjWDarjtT1zdp7dc ` +
      `-----BEGIN PRIVATE KEY-----\n${PEM_BODY}\n-----END PRIVATE KEY----- user[password]=a %3Ftoken%3Db <password>c</password> "pwd" => "d"`;
    const once = scrub(text, r);
    for (const leaked of ['IOSFODNN7', 'wJalrXUtn', GITHUB_CLASSIC.slice(0, 10), '1111 1111', '4eC39Hq', 'MIIEpAIB'])
      expect(once).not.toContain(leaked);
  });
});

describe('false positives: a corpus of ordinary log lines', () => {
  // Every line here is kept as is, except the ones listed in CENSORED with their output.
  const ORDINARY = [
    'GET /api/orders/107 200 in 12ms',
    'GET /api/orders/8f14e45f-ceea-467f-a0e6-7c2d5b0e3e51 200 in 12ms',
    'request 3b241101-e2bb-4255-8caf-4136c566a962 finished',
    'GET /blobs/a94a8fe5ccb19ba61c4c0873d391e987982fbbd3 304',
    'GET /objects/sha256/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08/raw 200',
    'image registry.example.com/orders@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    'commit 4111111111111111c0ffee0ddba11d00d5eed5ba merged',
    'etag "5d41402abc4b2a76b9719d911017c592"',
    'ulid 01ARZ3NDEKTSV4RRFFQ69G5FAV and AKIAIOSFODNN7 (truncated id)',
    '2026-12-02T05:05:12.846Z worker started',
    'X-Amz-Date=20261202T050512Z&X-Amz-Expires=3600',
    'started at 1733112345678 (epoch ms), 1733112345678901 us, 1733112345678901234 ns',
    'took 0.5488135039273248 s, ratio 3.4111111111111111',
    'order 4111111111111112 created for customer 55102',
    'order id 2345678901234567 shipped',
    'shipment 3141592653589796 dispatched to 55102',
    'invoice INV-2026-000123 paid, 3 items, total 129.99 EUR',
    'connecting to 10.0.12.7:5432 and [2001:db8::1]:443 from 192.168.1.20',
    'mac 00:1A:2B:3C:4D:5E link up, mtu 9000',
    'upgraded @nestjs/core from 10.4.15 to 11.1.0 (semver ^11.0.0)',
    'uploaded avatar-aGVsbG8gd29ybGQ.png and dGhpcyBpcyBub3Q=.jpg',
    'pod orders-api-7d9f8b6c5-x2x9z restarted on node ip-10-0-3-17.eu-west-1.compute.internal',
    'deployment orders-api-5b7d8c9f4d-abcde scaled to 3 replicas',
    'phone +44 20 7946 0958, support 0800 123 4567',
    'years 2019 2020 2021 2022 compared',
    'build 4111-2222-3333 finished',
    'the token bucket is empty, retrying in 250 ms',
    'rotating the secret store keys is scheduled for tonight',
    'secret rotation finished without errors',
    'session started for user 42',
    'token expired, asking the client to refresh',
    'refresh failed: invalid token: jwt expired',
    'password reset email sent to user 42',
    'Skipping Basic authentication for internal health checks',
    'the bearer of this message is the scheduler',
    'Authorization header missing',
    'GitHub webhook delivered (ghp tokens are rotated daily)',
    'Slack message posted to #ops (xoxb tokens are not logged)',
    'sk_live mode enabled for merchant 991',
    'publishable key pk_live_51HqLyjWDarjtT1zdp7dcXYZ for checkout',
    'AKIA-style ids are masked before logging',
    'a -----BEGIN marker alone is not a key',
    'loaded certificate -----BEGIN CERTIFICATE----- MIIBszCCAVmgAwIBAgIU',
    'authorized ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 deploy@ci',
    '<order id="107"><status>shipped</status></order>',
    '{"orderId":107,"items":[{"sku":"AB-12","qty":2}],"total":"129.99"}',
    'user[name]=bob&user[email]=bob%40example.com&page[size]=20',
    'next=%2Forders%3Fpage%3D2%26sort%3Ddesc',
    'https://example.com/login?redirect=%2Fhome',
    'token_count=512 max_tokens=2048 tokenizer=bpe',
  ];
  const CENSORED: Record<string, string> = {
    // A 16-digit id starting with 2-6 that happens to pass Luhn (1 in 10 of them) is taken for a card.
    'shipment 3141592653589796 dispatched to 55102': 'shipment [REDACTED] dispatched to 55102',
    // `name: value` after a secret key name, even in prose (as before these patterns).
    'refresh failed: invalid token: jwt expired': 'refresh failed: invalid token: [REDACTED] expired',
    // `Bearer <word>` (as before these patterns).
    'the bearer of this message is the scheduler': 'the bearer [REDACTED] this message is the scheduler',
  };

  it(`keeps ${ORDINARY.length - 3} of ${ORDINARY.length} lines and censors exactly 3`, () => {
    expect(ORDINARY).toHaveLength(50);
    const changed: Record<string, string> = {};
    for (const line of ORDINARY) {
      const out = scrub(line);
      if (out !== line) changed[line] = out;
    }
    expect(changed).toEqual(CENSORED);
  });
});
