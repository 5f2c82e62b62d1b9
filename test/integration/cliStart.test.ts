/**
 * What a command loads decides how fast it starts (docs/operations.md, "Start time and CLI latency"), and timing it on a
 * busy machine proves little: so these tests record what real `product-etl` processes load. A command that only talks
 * to Temporal loads neither the SDK's worker package (webpack comes with it) nor knex; the worker runs the workflow
 * bundle `npm run build` made, without webpack, and refuses one that no longer matches the compiled code; `replay`
 * replays the committed histories against that same bundle.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIfStale, ROOT, runCli, spawnCli } from '../support/builtCli';
import { TEMPORAL_ADDRESS, uniqueId } from '../support/temporalTestEnv';
import { createTestDatabase, TestDatabase } from '../support/testDatabase';

jest.setTimeout(240_000);

const work = mkdtempSync(join(tmpdir(), 'pe-cli-start-'));
/** Preloaded with node --require: at exit, the files the process loaded, one per line. */
const PRELOAD = join(work, 'record-loaded-modules.js');
writeFileSync(PRELOAD, `process.on('exit', () => require('node:fs').writeFileSync(process.env.RECORD_LOADED_MODULES_TO, Object.keys(require.cache).join('\\n')));\n`);

const HISTORIES = join(ROOT, 'test/histories');
const histories = readdirSync(HISTORIES).filter((f) => f.endsWith('.json')).map((f) => join(HISTORIES, f));

/** Packages a command that only talks to Temporal must not load: together they are most of the old start-up time. */
const HEAVY: Record<string, RegExp> = {
  '@temporalio/worker': /node_modules\/@temporalio\/worker\//,
  webpack: /node_modules\/webpack\//,
  knex: /node_modules\/knex\//,
  objection: /node_modules\/objection\//,
  mysql2: /node_modules\/mysql2\//,
  'prom-client': /node_modules\/prom-client\//,
};
const heavyIn = (modules: string[]) => Object.keys(HEAVY).filter((name) => modules.some((m) => HEAVY[name].test(m)));
const loaded = (modules: string[], pattern: RegExp) => modules.some((m) => pattern.test(m));
/** webpack's compiler: loaded when workflow code is bundled, never by a worker that loads a prebuilt bundle. */
const WEBPACK_COMPILER = /node_modules\/webpack\/lib\/Compiler\.js$/;

let db: TestDatabase;
let runs = 0;
const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...process.env, TEMPORAL_ADDRESS, NO_COLOR: '1', NODE_OPTIONS: `--require ${PRELOAD}`, DATABASE_URL: db.url, PRODUCT_ETL_TASK_QUEUE: uniqueId('cli-start'), ...extra,
});
const recordTo = () => join(work, `modules-${runs++}.txt`);
const modulesIn = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

/** Runs the built CLI and returns its exit status, its output and the modules it loaded. */
async function run(args: string[], extra: NodeJS.ProcessEnv = {}) {
  const file = recordTo();
  const r = await runCli(args, env({ RECORD_LOADED_MODULES_TO: file, ...extra }));
  return { ...r, modules: modulesIn(file) };
}

beforeAll(async () => {
  buildIfStale();
  db = await createTestDatabase('cli_start');
});
afterAll(async () => {
  await db?.drop();
  rmSync(work, { recursive: true, force: true });
});

describe('a command that only talks to Temporal loads only the client', () => {
  const missing = uniqueId('no-such-run');
  it.each([
    [['pause', '--workflow-id', missing]],
    [['resume', '--workflow-id', missing]],
    [['cancel', '--workflow-id', missing]],
    [['set-batch-size', '500', '--workflow-id', missing]],
    [['status', '--workflow-id', missing]],
    [['history', missing]],
    [['schedule', 'describe', '--schedule-id', missing]],
  ])('%j', async (args) => {
    const r = await run(args);
    // It did talk to Temporal: the server says the run (or schedule) is not there, exit status 3.
    expect(r.out).toContain(missing);
    expect(r.code).toBe(3);
    expect(loaded(r.modules, /node_modules\/@temporalio\/client\//)).toBe(true);
    expect(heavyIn(r.modules)).toEqual([]);
  });

  it.each([[['--help']], [['--version']], [['sync', '--help']]])('%j loads not even the client', async (args) => {
    const r = await run(args);
    expect(r.code).toBe(0);
    expect(heavyIn(r.modules)).toEqual([]);
    expect(loaded(r.modules, /node_modules\/@temporalio\/client\//)).toBe(false);
  });
});

describe('the prebuilt workflow bundle', () => {
  it('is what the worker runs: it starts without webpack', async () => {
    const file = recordTo();
    const worker = spawnCli(['worker'], env({ RECORD_LOADED_MODULES_TO: file }));
    await worker.waitFor(/Worker polling task queue/, 120_000);
    worker.child.kill('SIGINT');
    expect(await worker.exited).toBe(0);
    const modules = modulesIn(file);
    // The worker package is there (the recording works) and webpack's compiler is not.
    expect(loaded(modules, HEAVY['@temporalio/worker'])).toBe(true);
    expect(loaded(modules, WEBPACK_COMPILER)).toBe(false);
  });

  it('replays every committed history (`replay`), without webpack', async () => {
    const r = await run(['replay', ...histories]);
    expect(r.out).toContain(`against the workflow bundle the worker runs, ${join(ROOT, 'dist/workflow-bundle.js')}`);
    expect(r.out).toContain(`All ${histories.length} replayed`);
    expect(r.code).toBe(0);
    expect(loaded(r.modules, WEBPACK_COMPILER)).toBe(false);
  });

  describe('older than the compiled workflow code', () => {
    // A copy of the build under .tmp/ (node_modules is still found above it), so the real dist/ stays as it is.
    const copy = join(ROOT, '.tmp', uniqueId('stale-bundle'));
    const main = join(copy, 'dist/src/cli/main.js');
    /** The copy's command line, as bin/product-etl.js runs the real one. */
    const cli = (args: string[]) => new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const code = `require(${JSON.stringify(main)}).main(process.argv.slice(1)).then((c) => process.stdout.write('', () => process.exit(c)))`;
      const child = spawn(process.execPath, ['-e', code, '--', ...args], { cwd: ROOT, env: env({ NODE_OPTIONS: '' }), stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('close', (status) => resolve({ code: status, out }));
    });

    beforeAll(() => {
      mkdirSync(join(copy, 'dist'), { recursive: true });
      for (const d of ['src', 'migrations']) cpSync(join(ROOT, 'dist', d), join(copy, 'dist', d), { recursive: true });
      for (const f of ['workflow-bundle.js', 'workflow-bundle.json']) cpSync(join(ROOT, 'dist', f), join(copy, 'dist', f));
    });
    afterAll(() => rmSync(copy, { recursive: true, force: true }));

    it('is used as long as the code matches', async () => {
      const r = await cli(['replay', histories[0]]);
      expect(r.out).toContain('All 1 replayed');
      expect(r.code).toBe(0);
    });

    it('is refused by replay and by the worker, saying to run npm run build', async () => {
      appendFileSync(join(copy, 'dist/src/workflows/definitions.js'), '\n// changed after the bundle was built\n');
      for (const args of [['replay', histories[0]], ['worker']]) {
        const r = await cli(args);
        expect(r.out).toContain('is older than the compiled workflow code: src/workflows/definitions.js changed since it was built');
        expect(r.out).toContain('Run `npm run build`');
        expect(r.out).not.toMatch(/\n\s+at /); // a message, not a stack trace
        expect(r.code).toBe(2);
      }
    });

    it('is refused when missing', async () => {
      rmSync(join(copy, 'dist/workflow-bundle.js'));
      const r = await cli(['replay', histories[0]]);
      expect(r.out).toMatch(/The prebuilt workflow bundle .*workflow-bundle\.js is missing\./);
      expect(r.code).toBe(2);
    });
  });
});
