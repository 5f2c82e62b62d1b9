/**
 * What /readyz checks. Each check is a short probe with its own timeout: an orchestrator's probe must get an answer
 * within its own timeout (often 1 s), whatever state the database or Temporal is in.
 */
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { Knex } from 'knex';
import { withTimeout } from './syncMetrics';

export interface ReadinessCheck {
  name: string;
  /** Resolves when ready; rejects (with a message that names no secret) when not. */
  check(): Promise<void>;
}

export const READINESS_TIMEOUT_MS = 2000;

/** `SELECT 1` through the worker's own pool: the connections the activities will use. */
export function databaseReadiness(knex: Knex, timeoutMs = READINESS_TIMEOUT_MS): ReadinessCheck {
  return {
    name: 'database',
    async check() {
      try {
        await withTimeout(knex.raw('SELECT 1'), timeoutMs);
      } catch (err) {
        // The driver's code only (ECONNREFUSED, ...): knex messages may carry SQL, never needed here.
        const code = (err as { code?: string })?.code;
        throw new Error(code ? `database unreachable (${code})` : `database unreachable (${(err as Error)?.message?.startsWith('timed out') ? 'timeout' : 'error'})`);
      }
    },
  };
}

/**
 * The worker's Temporal connection is open and the server answers on it (GetSystemInfo: cheap, no namespace data);
 * with `worker`, also that the worker is polling rather than stopping or failed.
 */
export function temporalReadiness(connection: NativeConnection, worker?: () => Worker | undefined, timeoutMs = READINESS_TIMEOUT_MS): ReadinessCheck {
  return {
    name: 'temporal',
    async check() {
      const w = worker?.();
      if (w && w.getState() !== 'RUNNING') throw new Error(`worker is ${w.getState()}`);
      try {
        await withTimeout(connection.workflowService.getSystemInfo({}), timeoutMs);
      } catch (err) {
        throw new Error(`temporal unreachable (${(err as Error)?.message?.startsWith('timed out') ? 'timeout' : 'error'})`);
      }
    },
  };
}

export async function runReadiness(checks: readonly ReadinessCheck[]): Promise<{ ready: boolean; checks: Record<string, string> }> {
  const results = await Promise.all(checks.map(async (c) => {
    try {
      await c.check();
      return [c.name, 'ok'] as const;
    } catch (err) {
      return [c.name, (err as Error)?.message ?? 'failed'] as const;
    }
  }));
  return { ready: results.every(([, r]) => r === 'ok'), checks: Object.fromEntries(results) };
}
