/**
 * The process logger (src/logging): LOG_LEVEL and LOG_FORMAT as settings, and the JSON line it writes — level by
 * name, ISO time, the caller's fields, and keys named like secrets redacted wherever they sit.
 */
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/errors';
import { activityLogger } from '../../src/logging/adapters';
import { createLogger } from '../../src/logging/logger';
import { logSettings } from '../../src/logging/settings';

describe('logSettings', () => {
  it('follows stderr when LOG_FORMAT is unset, and the command default when LOG_LEVEL is', () => {
    expect(logSettings({}, false)).toEqual({ level: 'WARN', format: 'json' });
    expect(logSettings({}, true, 'INFO')).toEqual({ level: 'INFO', format: 'pretty' });
    expect(logSettings({ LOG_FORMAT: 'JSON', LOG_LEVEL: 'debug' }, true)).toEqual({ level: 'DEBUG', format: 'json' });
    expect(logSettings({ LOG_FORMAT: 'pretty', LOG_LEVEL: ' ' }, false, 'INFO')).toEqual({ level: 'INFO', format: 'pretty' });
  });

  it('refuses an unknown level or format with what to set', () => {
    expect(() => logSettings({ LOG_LEVEL: 'verbose' }, false)).toThrow(ConfigError);
    expect(() => logSettings({ LOG_LEVEL: 'verbose' }, false)).toThrow('LOG_LEVEL="verbose" is not a log level.');
    expect(() => logSettings({ LOG_FORMAT: 'xml' }, false)).toThrow('LOG_FORMAT="xml" is not a log format.');
  });
});

describe('createLogger (JSON)', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'pe-log-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const linesOf = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

  it('writes one JSON object per line at the level asked for, secrets redacted', () => {
    const file = join(dir, 'a.log');
    const log = createLogger({ level: 'INFO', format: 'json' }, openSync(file, 'w'));
    log.debug('not written');
    log.info({ password: 'hunter2', connection: { apiKey: 'k-123', address: 'h:1' }, rows: 3 }, 'hello');
    log.warn({ error: new Error('boom') }, 'failed');
    const [hello, failed, ...rest] = linesOf(file);
    expect(rest).toEqual([]);
    expect(hello).toMatchObject({ level: 'info', name: 'product-etl', msg: 'hello', password: '[redacted]', connection: { apiKey: '[redacted]', address: 'h:1' }, rows: 3 });
    expect(hello.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(failed).toMatchObject({ level: 'warn', error: { type: 'Error', message: 'boom', stack: expect.stringContaining('boom') } });
  });

  it("the activities' logger adds its component and nothing of an activity outside one", () => {
    const file = join(dir, 'b.log');
    const logger = activityLogger(createLogger({ level: 'WARN', format: 'json' }, openSync(file, 'w')));
    logger.info('below the level');
    logger.warn('batch failed', { from: '(start)', inserted: 1 });
    expect(linesOf(file)).toEqual([expect.objectContaining({ level: 'warn', component: 'activity', from: '(start)', inserted: 1, msg: 'batch failed' })]);
    expect(linesOf(file)[0]).not.toHaveProperty('workflowId');
  });
});
