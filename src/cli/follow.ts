import type { RunOutcome, SyncClient, SyncHandle } from '../client';
import type { SyncProgress, SyncSummary } from '../workflows/definitions';
import { progressBar, progressLine } from './format/progress';
import { Interrupted, orInterrupt } from './interrupt';
import { progressView } from './progressView';

/**
 * `status --follow` (the bar every second) and `sync` (the UI's details line every 3 s, as before): progress until the
 * run closes, then how it ended; INTERRUPTED when Ctrl-C came first (the run goes on).
 */
export async function followRun(
  client: SyncClient,
  handle: SyncHandle,
  { intervalMs = 1000, lineOf = progressBar }: { intervalMs?: number; lineOf?: (p: SyncProgress) => string } = {},
): Promise<RunOutcome | Interrupted> {
  const view = progressView(lineOf);
  let following = true; // after Ctrl-C the follow loop may tick once more before the process exits: draw nothing
  try {
    return await orInterrupt(client.follow(handle, (p) => following && view.update(p), intervalMs));
  } finally {
    following = false;
    view.stop();
  }
}

/** `demo`, `bench`: progress until the run closes, then its summary; a run that did not complete throws. */
export async function followToSummary(client: SyncClient, handle: SyncHandle, intervalMs = 3000): Promise<SyncSummary> {
  const view = progressView(progressLine);
  try {
    return await client.followToSummary(handle, (p) => view.update(p), intervalMs);
  } finally {
    view.stop();
  }
}
