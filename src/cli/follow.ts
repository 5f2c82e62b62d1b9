import type { RunOutcome, SyncClient, SyncHandle } from '../client';
import type { SyncSummary } from '../workflows/definitions';
import { progressBar, progressLine } from './format/progress';
import { progressView } from './progressView';

/** `status --follow`: the bar every second until the run closes, then how it ended. */
export async function followRun(client: SyncClient, handle: SyncHandle, intervalMs = 1000): Promise<RunOutcome> {
  const view = progressView(progressBar);
  try {
    return await client.follow(handle, (p) => view.update(p), intervalMs);
  } finally {
    view.stop();
  }
}

/** `sync`, `demo`, `bench`: progress until the run closes, then its summary; a run that did not complete throws. */
export async function followToSummary(client: SyncClient, handle: SyncHandle, intervalMs = 3000): Promise<SyncSummary> {
  const view = progressView(progressLine);
  try {
    return await client.followToSummary(handle, (p) => view.update(p), intervalMs);
  } finally {
    view.stop();
  }
}
