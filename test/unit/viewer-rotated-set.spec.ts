import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileError, resolveRotatedSet } from '../../lib/viewer/rotated-set';
import { viewerIncident, viewerTempDir, writeIncidents } from '../fixtures/viewer-files';

describe('viewer: which files, in which order', () => {
  let dir: string;
  beforeAll(async () => {
    dir = viewerTempDir();
    // Small files: RotatingFileTarget rotates into .1, .2, .3 (one incident a file).
    const incidents = [1, 2, 3, 4].map((index) => viewerIncident(index));
    await writeIncidents(path.join(dir, 'incidents.log'), incidents, 'json', { maxBytes: 1000, backupCount: 5 });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a base file brings its backups, oldest (.N) first, then itself', () => {
    expect(fs.readdirSync(dir).sort()).toEqual(['incidents.log', 'incidents.log.1', 'incidents.log.2', 'incidents.log.3']);
    expect(resolveRotatedSet(['incidents.log'], dir)).toEqual(['incidents.log.3', 'incidents.log.2', 'incidents.log.1', 'incidents.log']);
    expect(resolveRotatedSet([path.join(dir, 'incidents.log')], '/')).toEqual(
      ['incidents.log.3', 'incidents.log.2', 'incidents.log.1', 'incidents.log'].map((name) => path.join(dir, name)),
    );
  });

  it('files named one by one are read as given, in the order given', () => {
    expect(resolveRotatedSet(['incidents.log.1', 'incidents.log.3'], dir)).toEqual(['incidents.log.1', 'incidents.log.3']);
    // A backup named next to its base: no expansion, nothing read twice.
    expect(resolveRotatedSet(['incidents.log', 'incidents.log.2'], dir)).toEqual(['incidents.log', 'incidents.log.2']);
  });

  it('no file named: ./incidents.log and its backups, or a clear error', () => {
    expect(resolveRotatedSet([], dir)).toEqual(['incidents.log.3', 'incidents.log.2', 'incidents.log.1', 'incidents.log']);
    const empty = viewerTempDir();
    expect(() => resolveRotatedSet([], empty)).toThrow(FileError);
    expect(() => resolveRotatedSet([], empty)).toThrow(/no file named, and \.\/incidents\.log does not exist/);
    fs.rmSync(empty, { recursive: true });
  });

  it('a missing file or a directory is an error; a base missing between renames is read as its backups', () => {
    expect(() => resolveRotatedSet(['nope.log'], dir)).toThrow('nope.log: no such file');
    expect(() => resolveRotatedSet(['.'], dir)).toThrow('. is not a file');
    const gap = viewerTempDir();
    fs.writeFileSync(path.join(gap, 'app.log.1'), '');
    fs.writeFileSync(path.join(gap, 'app.log.3'), '');
    expect(resolveRotatedSet(['app.log'], gap)).toEqual(['app.log.3', 'app.log.1']);
    fs.rmSync(gap, { recursive: true });
  });
});
