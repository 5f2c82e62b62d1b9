import { workerNodeFlags } from '../../src/bench/extraWorkers';
import { nodeFlagsText } from '../../src/cli/commands/bench';

describe('the node flags a benchmark passes on and reports', () => {
  it('passes V8 and profiling flags to the extra workers, not the inspector', () => {
    expect(workerNodeFlags(['--max-semi-space-size=64', '--inspect=9229', '--cpu-prof', '--inspect-brk', '--debug-port=1'])).toEqual([
      '--max-semi-space-size=64',
      '--cpu-prof',
    ]);
    expect(workerNodeFlags([])).toEqual([]);
  });

  it('reports the flags and NODE_OPTIONS, or none', () => {
    expect(nodeFlagsText([], undefined)).toBe('none');
    expect(nodeFlagsText([], '  ')).toBe('none');
    expect(nodeFlagsText(['--max-semi-space-size=64'], undefined)).toBe('--max-semi-space-size=64');
    expect(nodeFlagsText([], '--max-semi-space-size=32')).toBe('none; NODE_OPTIONS --max-semi-space-size=32');
  });
});
