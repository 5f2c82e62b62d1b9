import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, createWriteStream, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ConfigError } from '../errors';

/** The newest CLI that `go install` accepts: later tags carry a `replace` directive, which `go install` refuses. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

/** Outside the repository, so fresh clones (CI) and later sessions reuse one build. */
export function cliCacheDir(): string {
  const base = process.env.PRODUCT_ETL_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'product-etl');
  return join(base, `temporal-cli-${TEMPORAL_CLI_VERSION}`);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

export interface CliLocation {
  path: string;
  source: 'TEMPORAL_CLI' | 'PATH' | 'cache' | 'go install';
}

type Say = (line: string) => void;

/**
 * Finds the Temporal CLI, or builds it: $TEMPORAL_CLI, then `temporal` on PATH, then the cache, then `go install`
 * of the pinned version into the cache.
 */
export async function findOrInstallTemporalCli(say: Say = (l) => console.error(l)): Promise<CliLocation> {
  const explicit = process.env.TEMPORAL_CLI;
  if (explicit) {
    if (!isExecutable(explicit)) {
      throw new ConfigError(`TEMPORAL_CLI=${explicit} is not an executable file.`, 'Point TEMPORAL_CLI at the temporal binary, or unset it.');
    }
    return { path: explicit, source: 'TEMPORAL_CLI' };
  }
  const fromPath = onPath('temporal');
  if (fromPath) return { path: fromPath, source: 'PATH' };
  const cached = join(cliCacheDir(), 'temporal');
  if (isExecutable(cached)) return { path: cached, source: 'cache' };
  const go = onPath('go') ?? (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) {
    throw new ConfigError(
      'No Temporal CLI found, and no Go toolchain to build one.',
      `Install Go and run again (it builds ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}), or set TEMPORAL_CLI to a temporal binary.`,
    );
  }
  await goInstall(go, say);
  if (!isExecutable(cached)) throw new Error(`go install finished but ${cached} is missing`);
  return { path: cached, source: 'go install' };
}

async function goInstall(go: string, say: Say): Promise<void> {
  const dir = cliCacheDir();
  mkdirSync(dir, { recursive: true });
  const logPath = join(dir, 'go-install.log');
  say(`Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with \`go install\` into ${dir}.`);
  say('This happens once per machine and takes a few minutes; progress is logged to ' + logPath);
  const started = Date.now();
  const log = createWriteStream(logPath);
  const child = spawn(go, ['install', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], {
    env: { ...process.env, GOBIN: dir, GOFLAGS: process.env.GOFLAGS ?? '-mod=mod' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const ticker = setInterval(() => say(`  ... still building the Temporal CLI (${Math.round((Date.now() - started) / 1000)}s)`), 30_000);
  try {
    const code: number = await new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (c) => resolve(c ?? 1));
    });
    if (code !== 0) {
      throw new ConfigError(
        `go install ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION} failed (exit ${code}).`,
        `See ${logPath}; or set TEMPORAL_CLI to a temporal binary.`,
      );
    }
    say(`Temporal CLI built in ${Math.round((Date.now() - started) / 1000)}s.`);
  } finally {
    clearInterval(ticker);
    log.end();
  }
}

export function cliVersion(path: string): string {
  const out = spawnSync(path, ['--version'], { encoding: 'utf8' });
  return (out.stdout || out.stderr || '').trim();
}
