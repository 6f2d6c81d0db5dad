import { parseViewerArgs, UsageError } from '../../lib/viewer/viewer-args';

const NOW = Date.UTC(2026, 2, 4, 12, 0, 0);

describe('viewer: command line', () => {
  it('list: files and filters, in any order, --opt value or --opt=value', () => {
    expect(
      parseViewerArgs(
        [
          'list',
          'a.log',
          '--since',
          '15m',
          '--until=2026-03-04T11:00:00Z',
          'b.log',
          '--grep',
          'gateway',
          '--reason',
          'status,level',
          '--request',
          'r-1',
          '--json',
        ],
        NOW,
      ),
    ).toEqual({
      command: 'list',
      files: ['a.log', 'b.log'],
      json: true,
      filters: {
        since: NOW - 15 * 60_000,
        until: Date.UTC(2026, 2, 4, 11, 0, 0),
        grep: 'gateway',
        reasons: ['status', 'level'],
        request: 'r-1',
      },
    });
  });

  it('relative times in s, m, h, d, w; a date alone is UTC midnight', () => {
    const since = (text: string) => (parseViewerArgs(['list', '--since', text], NOW) as { filters: { since: number } }).filters.since;
    expect(since('90s')).toBe(NOW - 90_000);
    expect(since('2h')).toBe(NOW - 7_200_000);
    expect(since('1.5d')).toBe(NOW - 129_600_000);
    expect(since('1w')).toBe(NOW - 604_800_000);
    expect(since('2026-03-01')).toBe(Date.UTC(2026, 2, 1));
  });

  it('show: an id, then files; --json', () => {
    expect(parseViewerArgs(['show', 'b194', 'x.log', '--json'], NOW)).toEqual({
      command: 'show',
      id: 'b194',
      files: ['x.log'],
      json: true,
    });
    expect(parseViewerArgs(['--help'], NOW)).toEqual({ command: 'help' });
    expect(parseViewerArgs(['--', 'list', '--odd-name.log'], NOW)).toMatchObject({ command: 'list', files: ['--odd-name.log'] });
  });

  it.each([
    [[], 'no command: list or show'],
    [['lst'], 'unknown command "lst": list or show'],
    [['list', '--since'], '--since needs a value'],
    [
      ['list', '--since', 'yesterday'],
      '--since must be an ISO time (2026-03-04T03:00:00Z) or a duration before now (15m, 2h, 7d); got "yesterday"',
    ],
    [['list', '--until', '2026-13-45'], '--until must be an ISO time'],
    [['list', '--colour'], 'unknown option --colour'],
    [['list', '-x'], 'unknown option -x'],
    [['list', '--grep', 'a', '--grep', 'b'], '--grep given twice'],
    [['show'], 'show needs an incident id (or a unique prefix of one)'],
    [['show', 'abc', '--grep', 'x'], '--grep is an option of list, not show'],
  ])('%j is a usage error: %s', (argv, message) => {
    expect(() => parseViewerArgs(argv, NOW)).toThrow(UsageError);
    expect(() => parseViewerArgs(argv, NOW)).toThrow(message);
  });
});
