// Orders the spec files for the shared worker pool: Jest's default order
// (previous failures first, then the slowest first, by the timings it caches),
// except that the bench smoke, the longest file by far, always starts first
// (also on a fresh clone with no cached timings), and the Nest 10 compat spec
// runs last. The compat spec rebuilds dist/ (`npm run build` deletes it first)
// while the bench smoke loads dist/: started at opposite ends of the run they do
// not overlap, and test/utils/dist-lock.ts keeps them apart if they still would.
const Sequencer = require('@jest/test-sequencer').default;

const rank = (test) => (test.context.config.displayName?.name === 'bench' ? 0 : test.context.config.displayName?.name === 'compat' ? 2 : 1);

class LaneSequencer extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    return [...sorted].sort((a, b) => rank(a) - rank(b)); // stable: the default order within each rank
  }
}

module.exports = LaneSequencer;
