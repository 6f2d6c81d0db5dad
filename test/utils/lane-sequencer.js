// Orders the spec files for the shared worker pool: Jest's default order
// (previous failures first, then the slowest first, by the timings it caches),
// except that the bench smoke, the longest file by far, always starts first,
// also on a fresh clone with no cached timings, so it never ends the run alone.
const Sequencer = require('@jest/test-sequencer').default;

const rank = (test) => (test.context.config.displayName?.name === 'bench' ? 0 : 1);

class LaneSequencer extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    return [...sorted].sort((a, b) => rank(a) - rank(b)); // stable: the default order within each rank
  }
}

module.exports = LaneSequencer;
