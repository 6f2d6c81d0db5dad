// Hundreds of requests failing at once through a real Nest app (Express and
// Fastify), written to small rotating files: every incident must come out
// whole, contiguous, in one file, exactly once.
import { Controller, Get, InternalServerErrorException, Logger, Module, Param, Type } from '@nestjs/common';
import { IncidentLoggerModule, IncidentFormat, RotatingFileTarget } from '../../lib';
import { parseTextBlocks, readChain, removeDir, tempDir } from '../utils/rotating-file.helpers';
import { PLATFORMS, startApp } from '../utils/test-app';
import * as path from 'node:path';

const REQUESTS = 300;
const MAX_BYTES = 16 * 1024;
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function appModule(target: RotatingFileTarget): Type<unknown> {
  @Controller()
  class FailController {
    private readonly logger = new Logger('Orders');

    @Get('fail/:n')
    async fail(@Param('n') n: string) {
      this.logger.debug(`start ${n}`);
      await tick(Number(n) % 4);
      // Sizes vary so incidents straddle the rotation threshold in every way.
      this.logger.debug(`query ${n} ${'q'.repeat((Number(n) * 37) % 900)}`);
      await tick(Number(n) % 3);
      this.logger.error(`failed ${n}`);
      throw new InternalServerErrorException();
    }
  }

  // Every request fails alike: this tests whole incidents, not storm control.
  @Module({ imports: [IncidentLoggerModule.forRoot({ targets: [target], storm: false })], controllers: [FailController] })
  class AppModule {}
  return AppModule;
}

/** Text: each block parses whole (start, own lines only, end) and holds its request's records in order. */
function textIncidents(content: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const block of parseTextBlocks(content)) {
    if (block.kind !== 'incident') throw new Error(`unexpected marker: ${block.line}`);
    const request = /request=(req-\d+)/.exec(block.header)?.[1];
    if (!request) throw new Error(`no request id in ${block.header}`);
    if (found.has(request)) throw new Error(`${request} written twice`);
    found.set(
      request,
      block.lines.map((line) => line.replace(/^\S+ +/, '').replace(/ q*$/, '')),
    );
  }
  return found;
}

/** JSON: every line parses, and the lines of an incident are adjacent (an id never comes back). */
function jsonIncidents(content: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const finished = new Set<string>();
  let current: string | undefined;
  for (const line of content.trimEnd().split('\n')) {
    const entry = JSON.parse(line) as {
      incident: string;
      requestId: string;
      type: string;
      level?: string;
      context?: string;
      message?: string;
    };
    if (entry.incident !== current) {
      if (current) finished.add(current);
      if (finished.has(entry.incident)) throw new Error(`incident ${entry.incident} is split`);
      current = entry.incident;
      if (entry.type !== 'incident') throw new Error(`incident ${entry.incident} does not start with its header`);
      if (found.has(entry.requestId)) throw new Error(`${entry.requestId} written twice`);
      found.set(entry.requestId, []);
      continue;
    }
    found.get(entry.requestId)!.push(`${entry.level!.toUpperCase()} [${entry.context}] ${entry.message!.replace(/ q*$/, '')}`);
  }
  return found;
}

describe.each(PLATFORMS)('RotatingFileTarget under %s with 300 simultaneous failing requests', (platform) => {
  it.each(['text', 'json'] as IncidentFormat[])('writes every incident whole and once across the rotated files (%s)', async (format) => {
    const dir = tempDir();
    try {
      const target = new RotatingFileTarget({ filename: path.join(dir, 'incidents.log'), maxBytes: MAX_BYTES, backupCount: 200, format });
      const app = await startApp(appModule(target), platform);
      try {
        const statuses = await Promise.all(
          Array.from({ length: REQUESTS }, (_, n) =>
            fetch(`${app.url}/fail/${n}`, { headers: { 'x-request-id': `req-${n}` } }).then((res) => res.status),
          ),
        );
        expect(statuses.every((status) => status === 500)).toBe(true);
      } finally {
        await app.close(); // shutdown flush
      }

      const files = readChain(dir);
      expect(files.length).toBeGreaterThan(5);
      const all = new Map<string, string[]>();
      for (const file of files) {
        // Each file alone parses: no incident starts in one file and ends in another.
        const incidents = format === 'json' ? jsonIncidents(file.content) : textIncidents(file.content);
        if (Buffer.byteLength(file.content) > MAX_BYTES) expect(incidents.size).toBe(1);
        for (const [request, lines] of incidents) {
          expect(all.has(request)).toBe(false);
          all.set(request, lines);
        }
      }
      expect(all.size).toBe(REQUESTS);
      for (let n = 0; n < REQUESTS; n++) {
        expect(all.get(`req-${n}`)).toEqual([`DEBUG [Orders] start ${n}`, `DEBUG [Orders] query ${n}`, `ERROR [Orders] failed ${n}`]);
      }
      expect(target.stats).toMatchObject({ written: REQUESTS, dropped: 0, pendingIncidents: 0 });
    } finally {
      removeDir(dir);
    }
  });
});
