import { cpus, totalmem } from 'node:os';
import type { OutcomeCounts } from '../../src/domain/outcome';
import { formatCount } from '../../src/shared/format';
import type { FaultKind, Injection } from './faults/context';
import type { ChaosOptions } from './options';
import { seconds } from './util';
import type { Difference } from './verify';
import type { WorkerEvent } from './workers';

export interface FaultRow {
  fault: string;
  kind: FaultKind | 'final';
  requested: number;
  injected: number;
  outcome: string;
  differences: number;
}

export interface ChaosReport {
  ok: boolean;
  problems: string[];
  date: string;
  machine: string;
  options: ChaosOptions;
  durationMs: number;
  run: { workflowId: string; pipelineRunId: string; status: string; batches: number; rowsRead: number; counts: OutcomeCounts | null; expectedCounts: OutcomeCounts | null };
  rows: FaultRow[];
  injections: Injection[];
  workerEvents: WorkerEvent[];
  /** The first differences found (all of them are counted in the rows). */
  differences: Difference[];
  workDir: string;
}

export const FAULT_LABELS: Record<FaultKind, string> = {
  kill: 'worker SIGKILL at a random moment, restarted',
  'kill-before-commit': 'worker SIGKILL right before COMMIT (fault point)',
  'kill-after-commit': 'worker SIGKILL right after COMMIT (fault point)',
  freeze: 'worker frozen (SIGSTOP) in a batch past the heartbeat timeout, thawed',
  zombie: 'stale attempt: batch handed to a frozen worker, thawed after the retry committed',
  'db-conn-kill': 'DB connection KILLed inside the batch transaction',
  'db-restart': 'MariaDB stopped and started (same datadir)',
  'temporal-restart': 'Temporal dev server stopped and started (same state file)',
  'start-same-id': 'two starts at once, same workflow id',
  'start-other-id': 'two starts at once, other workflow id',
  'schedule-tick': 'schedule tick (overlap SKIP) during the manual run',
};

export function machineDescription(): string {
  const cpu = cpus();
  return `${cpu.length} cores ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB`;
}

/** Groups equal outcomes: "14× retry applied the batch; 6× retry fenced". */
function tally(items: string[]): string {
  const counts = new Map<string, number>();
  for (const i of items) counts.set(i, (counts.get(i) ?? 0) + 1);
  return [...counts].map(([what, n]) => (n > 1 ? `${n}× ${what}` : what)).join('; ');
}

export function summarizeRow(kind: FaultKind, requested: number, injections: Injection[]): FaultRow {
  const done = injections.filter((i) => i.injected);
  const recovered = done.map((i) => i.recoveredMs).filter((ms): ms is number => ms !== undefined);
  const failed = done.filter((i) => !i.ok).length;
  const parts = [
    done.length ? (failed ? `${failed} FAILED` : 'all as expected') : '',
    tally(done.map((i) => i.outcome ?? i.observed.join('; ')).filter(Boolean)),
    recovered.length ? `next commit after ${seconds(recovered.reduce((a, b) => a + b, 0) / recovered.length)} on average` : '',
  ];
  return {
    fault: FAULT_LABELS[kind], kind, requested, injected: done.length,
    outcome: parts.filter(Boolean).join(' · '),
    differences: done.reduce((n, i) => n + i.differences, 0),
  };
}

/** The table as Markdown, ready for docs/reliability.md. */
export function formatReport(r: ChaosReport): string {
  const o = r.options;
  const lines = [
    `Chaos run ${r.date} · ${r.machine} · ${formatCount(o.rows)} rows, batch size ${o.batchSize}${o.partitions > 1 ? `, ${o.partitions} partitions` : ''}, ${o.workers} workers, seed ${o.seed} · ${seconds(r.durationMs)}`,
    `Run ${r.run.workflowId}: ${r.run.status}, ${r.run.batches} batches, ${r.run.rowsRead} rows read` +
      (r.run.counts ? ` (inserted ${r.run.counts.inserted}, updated ${r.run.counts.updated}, unchanged ${r.run.counts.unchanged}, stale ${r.run.counts.stale}, rejected ${r.run.counts.rejected})` : ''),
    '',
    '| fault | requested | injected | outcome | differences from the oracle |',
    '|---|---:|---:|---|---:|',
    ...r.rows.map((row) => `| ${row.fault} | ${row.requested} | ${row.injected} | ${row.outcome.replace(/\|/g, '/')} | ${row.differences} |`),
    '',
    r.ok ? 'PASS: every table equals the oracle, the change log has no duplicate and no gap, and the run completed.' : `FAIL:\n${r.problems.map((p) => `  - ${p}`).join('\n')}`,
  ];
  for (const d of r.differences.slice(0, 20)) lines.push(`  ${d.table} ${d.key}: ${d.detail.slice(0, 300)}`);
  if (r.workDir) lines.push(`Logs and data: ${r.workDir}`);
  return lines.join('\n');
}
