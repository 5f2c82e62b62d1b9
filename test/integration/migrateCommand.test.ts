/**
 * `migrate`, `migrate status`, `migrate down` and `migrate --rollback-all [--yes]` as an operator runs them: real CLI
 * processes against a database of the test's own (issue 13, item 8).
 */
import { MIGRATIONS } from '../../migrations';
import { buildIfStale, runCli } from '../support/builtCli';
import { createTestDatabase, TestDatabase } from '../support/testDatabase';

jest.setTimeout(120_000);

const NAMES = MIGRATIONS.map(([name]) => name);
let db: TestDatabase;
let env: NodeJS.ProcessEnv;

async function tables(): Promise<string[]> {
  const [rows] = await db.knex.raw("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name NOT LIKE 'knex\\_%' ORDER BY 1");
  return (rows as Array<{ t: string }>).map((r) => r.t);
}

beforeAll(async () => {
  buildIfStale();
  db = await createTestDatabase('migrate_cli', { migrate: false, staging: true });
  env = { ...process.env, NO_COLOR: '1', DATABASE_URL: db.url };
});
afterAll(async () => {
  await db?.drop();
});

it('status lists pending then applied migrations; down undoes one step; status shows it pending again', async () => {
  const before = await runCli(['migrate', 'status'], env);
  expect(before.code).toBe(0);
  expect(before.out).toContain('Applied: 0');
  expect(before.out).toContain(`Pending: ${NAMES.length}`);
  for (const name of NAMES) expect(before.out).toContain(`  ${name}`);
  expect(await tables()).toEqual(['products_staging']); // read-only: not even knex's own tables

  expect((await runCli(['migrate'], env)).code).toBe(0);
  const after = await runCli(['migrate', 'status'], env);
  expect(after.out).toContain(`Applied: ${NAMES.length}`);
  expect(after.out).toContain('Pending: 0');
  expect(after.out).toMatch(new RegExp(`${NAMES[NAMES.length - 1]}  \\(batch 1, `));

  const down = await runCli(['migrate', 'down'], env);
  expect(down.code).toBe(0);
  expect(down.out).toContain(`Reverted ${NAMES[NAMES.length - 1]}`);
  const one = await runCli(['migrate', 'status'], env);
  expect(one.out).toContain(`Applied: ${NAMES.length - 1}`);
  expect(one.out).toMatch(new RegExp(`Pending: 1\\n  ${NAMES[NAMES.length - 1]}`));
  expect(await tables()).toContain('products'); // only the last step was undone

  const again = await runCli(['migrate'], env);
  expect(again.out).toContain('Applied 1 migration(s)');
});

it('--rollback-all refuses without --yes and changes nothing; with --yes it drops what the migrations made', async () => {
  expect((await runCli(['migrate'], env)).code).toBe(0);
  const all = await tables();
  const refused = await runCli(['migrate', '--rollback-all'], env);
  expect(refused.code).toBe(2);
  expect(refused.out).toContain(`--rollback-all would undo ${NAMES.length} migration(s)`);
  expect(refused.out).toContain('nothing was changed');
  expect(refused.out).toContain('--yes');
  expect(await tables()).toEqual(all);

  expect((await runCli(['migrate', '--yes'], env)).code).toBe(2); // --yes alone confirms nothing
  const confirmed = await runCli(['migrate', '--rollback-all', '--yes'], env);
  expect(confirmed.code).toBe(0);
  expect(confirmed.out).toContain(`Rolled back ${NAMES.length} migration(s)`);
  expect(await tables()).toEqual(['products_staging']);
  const none = await runCli(['migrate', 'down'], env);
  expect(none.out).toContain('Nothing to undo');
});
