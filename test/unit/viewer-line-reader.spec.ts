import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileLine, readLines } from '../../lib/viewer/line-reader';
import { viewerTempDir } from '../fixtures/viewer-files';

async function linesOf(content: string | Buffer, maxLineBytes?: number): Promise<FileLine[]> {
  const dir = viewerTempDir();
  const file = path.join(dir, 'incidents.log');
  fs.writeFileSync(file, content);
  const lines: FileLine[] = [];
  try {
    await readLines(file, (line) => lines.push(line) > 0, undefined, maxLineBytes);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}

describe('viewer: streaming line reader', () => {
  it('numbers lines, drops CR of CRLF endings, and flags a last line without its newline', async () => {
    const lines = await linesOf('one\r\ntwo\n\nthree');
    expect(lines.map(({ text, number, unterminated }) => [number, text, unterminated])).toEqual([
      [1, 'one', false],
      [2, 'two', false],
      [3, '', false],
      [4, 'three', true],
    ]);
  });

  it('joins lines across 1 MiB chunks, byte for byte, multi-byte characters included', async () => {
    const long = `${'é'.repeat(700_000)}€`; // ~1.4 MB: crosses a chunk boundary, inside a 2-byte character
    const lines = await linesOf(`a\n${long}\nb\n`);
    expect(lines.map((line) => line.text)).toEqual(['a', long, 'b']);
  });

  it('skips a line longer than the bound without holding it, and goes on', async () => {
    const lines = await linesOf(`before\n${'x'.repeat(3_000_000)}\nafter\n${'y'.repeat(2_500_000)}`, 1_000_000);
    expect(lines.map(({ text, oversized, unterminated }) => [text, oversized, unterminated])).toEqual([
      ['before', false, false],
      ['', true, false],
      ['after', false, false],
      ['', true, true],
    ]);
  });

  it('reads an empty file as no lines, and stops when told to', async () => {
    expect(await linesOf('')).toEqual([]);
    const dir = viewerTempDir();
    const file = path.join(dir, 'incidents.log');
    fs.writeFileSync(file, 'a\nb\nc\n');
    const seen: string[] = [];
    const finished = await readLines(file, (line) => seen.push(line.text) < 2);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(seen).toEqual(['a', 'b']);
    expect(finished).toBe(false);
  });
});
