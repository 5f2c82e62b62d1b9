/**
 * The shipped Prometheus rules (deploy/prometheus) are valid and behave as their unit tests say, checked by promtool
 * from Debian's prometheus package (scripts/test.sh installs it when missing).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { prometheusMissing, PROMTOOL } from '../support/prometheusServer';

const dir = join(__dirname, '../../deploy/prometheus');
const missing = prometheusMissing();
if (missing) console.warn(`\n\n*** SKIPPING promtool checks of deploy/prometheus: ${missing} ***\n\n`);

(missing ? describe.skip : describe)('deploy/prometheus rules', () => {
  const promtool = (...args: string[]) => {
    const r = spawnSync(PROMTOOL, args, { cwd: dir, encoding: 'utf8' });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };

  it('pass promtool check rules', () => {
    const r = promtool('check', 'rules', 'alert-rules.yml', 'recording-rules.yml');
    expect(r.out).toMatch(/alert-rules.yml\s+SUCCESS: 5 rules found/);
    expect(r.status).toBe(0);
  });

  it('pass their unit tests (promtool test rules)', () => {
    const r = promtool('test', 'rules', 'alert-rules.test.yml');
    if (r.status !== 0) throw new Error(r.out);
    expect(r.out).toMatch(/SUCCESS/);
  });
});
