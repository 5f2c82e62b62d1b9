import { defaultDevServerOptions, devServerArgs, DEV_SERVER_DYNAMIC_CONFIG, withDefaultDynamicConfig } from '../../src/temporal/devServer';

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

  it('keeps the server\'s SQLite store in a write-ahead log, synced at checkpoints', () => {
    const args = devServerArgs(defaultDevServerOptions({ dataDir: '/tmp/x', port: 7300 }), '/tmp/x/temporal.db');
    const pragmas = args.flatMap((a, i) => (args[i - 1] === '--sqlite-pragma' ? [a] : []));
    expect(pragmas).toEqual(['journal_mode=wal', 'synchronous=normal']);
    expect(args.slice(args.indexOf('--db-filename'), args.indexOf('--db-filename') + 2)).toEqual(['--db-filename', '/tmp/x/temporal.db']);
    expect(args).toContain('system.enableActivityEagerExecution=true');
  });
});
