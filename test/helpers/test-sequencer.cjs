/**
 * Jest's default order, with an estimate for test files it has no timing for yet.
 *
 * Jest runs the slowest files first when its cache holds their last durations; a fresh clone (CI)
 * has no cache, so jest falls back to file size and the heavy e2e/security files, some of them
 * short, start last and leave one worker running alone at the end. The estimates (seconds, from a
 * full run on 2 cores; see test-durations.json) only order the run: a stale or missing entry
 * costs a little wall time, never a test. Cached durations, when present, still win.
 */
const { readFileSync } = require('node:fs');
const { join, relative } = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const ROOT = join(__dirname, '..', '..');
const ESTIMATES = JSON.parse(readFileSync(join(__dirname, 'test-durations.json'), 'utf8'));

/** Seconds assumed for a file the table does not list (they all take about a second or less). */
const DEFAULT_ESTIMATE = 1;

class EstimatingSequencer extends Sequencer {
  time(test) {
    const cached = super.time(test);
    if (cached != null) return cached;
    // Every file gets a duration: jest runs files without one before all others.
    return (ESTIMATES[relative(ROOT, test.path).split('\\').join('/')] ?? DEFAULT_ESTIMATE) * 1000;
  }
}

module.exports = EstimatingSequencer;
