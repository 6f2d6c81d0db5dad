import { escapeText } from '../format/escape.util';

/** How many positions of each kind are named on stderr; the rest are counted. */
const SHOWN_POSITIONS = 5;

class Tally {
  count = 0;
  readonly positions: string[] = [];

  add(position: string): void {
    this.count++;
    if (this.positions.length < SHOWN_POSITIONS) this.positions.push(position);
  }

  describe(): string {
    const more = this.count - this.positions.length;
    return `${this.positions.join(', ')}${more > 0 ? `, and ${more} more` : ''}`;
  }
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * What the reader skipped or found damaged, counted, with the file:line of
 * the first few of each kind: reported once on stderr at the end, never per
 * line, so a file of garbage does not flood the terminal.
 */
export class DamageTally {
  /** Lines that are not incident lines: other programs' output, binary, damaged or cut lines, records without their header. */
  readonly skipped = new Tally();
  /** Incidents whose end is missing: cut off by SIGKILL, or interrupted. */
  readonly incomplete = new Tally();
  /** `INCIDENTS LOST` markers, and the incidents they count. */
  readonly lost = new Tally();
  lostIncidents = 0;

  skip(file: string, line: number, why: string): void {
    this.skipped.add(`${file}:${line} (${why})`);
  }

  /** stderr lines, each ending with a newline; empty when nothing was wrong. */
  render(program: string): string {
    const lines: string[] = [];
    if (this.skipped.count > 0) {
      const verb = this.skipped.count === 1 ? 'is' : 'are';
      lines.push(`skipped ${plural(this.skipped.count, 'line', 'lines')} that ${verb} not part of an incident: ${this.skipped.describe()}`);
    }
    if (this.incomplete.count > 0) {
      const what = plural(this.incomplete.count, 'incident is', 'incidents are');
      lines.push(`${what} incomplete (cut off, e.g. by SIGKILL), shown as far as written: ${this.incomplete.describe()}`);
    }
    if (this.lost.count > 0) {
      const what = plural(this.lostIncidents, 'incident', 'incidents');
      lines.push(`the writer recorded ${what} it could not write (INCIDENTS LOST): ${this.lost.describe()}`);
    }
    // File names come from the command line: escaped all the same, stderr is a terminal.
    return lines.map((line) => `${program}: ${escapeText(line)}\n`).join('');
  }
}
