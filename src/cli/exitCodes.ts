import type { WorkflowExecutionStatusName } from '@temporalio/client';
import { DatabaseUnavailableError, NotFoundError, TemporalUnavailableError, UserFacingError } from '../errors';

/**
 * The exit statuses of `product-etl`, the table in the README. A script can branch on them: 2 means fix the command
 * line or the settings, 3 means nothing answered or nothing was there, 4 to 7 say how the run ended, 130 means the
 * command stopped following on Ctrl-C while the run goes on.
 */
export const EXIT = {
  ok: 0,
  /** An unexpected error (a bug): the message, and the stack trace with DEBUG=1. */
  error: 1,
  /** A usage or configuration error: unknown command or option, a bad or contradictory value, a malformed setting. */
  usage: 2,
  /** Cannot connect (Temporal, MySQL, a worker) or not found (namespace, workflow, schedule, no active run). */
  unavailable: 3,
  failed: 4,
  cancelled: 5,
  terminated: 6,
  timedOut: 7,
  /** 128 + SIGINT, as a shell reports a command stopped by Ctrl-C. */
  interrupted: 130,
} as const;

/** How a run ended, as an exit status: 0 while it runs or when it completed. */
export function exitCodeOfRun(status: WorkflowExecutionStatusName): number {
  switch (status) {
    case 'RUNNING':
    case 'COMPLETED':
      return EXIT.ok;
    case 'FAILED':
      return EXIT.failed;
    case 'CANCELLED':
      return EXIT.cancelled;
    case 'TERMINATED':
      return EXIT.terminated;
    case 'TIMED_OUT':
      return EXIT.timedOut;
    default:
      // CONTINUED_AS_NEW is never final for a handle that follows the chain; anything newer is unexpected.
      return EXIT.error;
  }
}

/** gRPC UNAVAILABLE: the server went away after the connection was made. */
const GRPC_UNAVAILABLE = 14;

/** True for errors that mean "nothing answered" although they are not ours: the server went down mid-command. */
export function isUnreachable(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++) {
    if (e.code === GRPC_UNAVAILABLE) return true;
  }
  return false;
}

export function exitCodeOfError(err: unknown): number {
  if (err instanceof TemporalUnavailableError || err instanceof DatabaseUnavailableError || err instanceof NotFoundError) return EXIT.unavailable;
  if (err instanceof UserFacingError) return EXIT.usage;
  if ((err as Error)?.name === 'NamespaceNotFoundError' || isUnreachable(err)) return EXIT.unavailable;
  return EXIT.error;
}
