import { DEV_SERVER_DYNAMIC_CONFIG, withDefaultDynamicConfig } from '../../src/temporal/devServer';

describe('the dev server dynamic config', () => {
  it('allows eager activity dispatch unless told otherwise', () => {
    expect(DEV_SERVER_DYNAMIC_CONFIG).toContain('system.enableActivityEagerExecution=true');
    expect(withDefaultDynamicConfig([])).toEqual([...DEV_SERVER_DYNAMIC_CONFIG]);
  });

  it('adds the caller values, and a caller value for one of its keys replaces the default', () => {
    expect(withDefaultDynamicConfig(['limit.maxIDLength=100'])).toEqual([...DEV_SERVER_DYNAMIC_CONFIG, 'limit.maxIDLength=100']);
    const off = withDefaultDynamicConfig(['system.enableActivityEagerExecution=false']);
    expect(off).toEqual(['system.enableActivityEagerExecution=false']);
  });
});
