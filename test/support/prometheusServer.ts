/**
 * A real Prometheus of the test's own (Debian's `prometheus` package): a free port, a generated config, its data
 * under a temp folder, stopped by its pid. PROMETHEUS / PROMTOOL override the binaries.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ownMariaDb';

export const PROMETHEUS = process.env.PROMETHEUS ?? '/usr/bin/prometheus';
export const PROMTOOL = process.env.PROMTOOL ?? '/usr/bin/promtool';

/** Why the Prometheus tests cannot run here, or undefined when they can. scripts/test.sh installs the package. */
export function prometheusMissing(): string | undefined {
  for (const bin of [PROMETHEUS, PROMTOOL]) {
    if (!existsSync(bin) || spawnSync(bin, ['--version']).status !== 0) {
      return `${bin} is not installed: install Debian's prometheus package (apt-get install -y prometheus), as scripts/test.sh does`;
    }
  }
  return undefined;
}

export interface ScrapeTarget {
  job: string;
  address: string;
}

export class PrometheusServer {
  private constructor(
    readonly url: string,
    readonly dir: string,
    private readonly child: ChildProcess,
  ) {}

  static async start(targets: ScrapeTarget[], ruleFiles: string[] = []): Promise<PrometheusServer> {
    const dir = mkdtempSync(join(tmpdir(), 'pe-prometheus-'));
    const port = await freePort();
    const config = [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      ...(ruleFiles.length ? ['rule_files:', ...ruleFiles.map((f) => `  - ${JSON.stringify(f)}`)] : []),
      'scrape_configs:',
      ...targets.flatMap((t) => [`  - job_name: ${JSON.stringify(t.job)}`, '    static_configs:', `      - targets: [${JSON.stringify(t.address)}]`]),
    ].join('\n');
    writeFileSync(join(dir, 'prometheus.yml'), `${config}\n`);
    const log = openSync(join(dir, 'prometheus.log'), 'a');
    const child = spawn(PROMETHEUS, [
      `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
    ], { stdio: ['ignore', log, log] });
    closeSync(log);
    const server = new PrometheusServer(`http://127.0.0.1:${port}`, dir, child);
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${server.log()}`);
      const ready = await fetch(`${server.url}/-/ready`).then((r) => r.ok, () => false);
      if (ready) return server;
      if (Date.now() > deadline) throw new Error(`prometheus did not get ready: ${server.log()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, 'prometheus.log'), 'utf8').slice(-2000);
    } catch {
      return '';
    }
  }

  /** An instant query: each series' labels and value. */
  async query(promql: string): Promise<Array<{ metric: Record<string, string>; value: number }>> {
    const res = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await res.json()) as { status: string; error?: string; data: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
    if (body.status !== 'success') throw new Error(`query ${promql} failed: ${body.error}`);
    return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }

  async api<T>(path: string): Promise<T> {
    const body = (await (await fetch(`${this.url}${path}`)).json()) as { status: string; data: T };
    return body.data;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      process.kill(this.child.pid as number, 'SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
