/**
 * The README and docs/operations.md say a run continues as new "about every 680 batches" on a server with default
 * settings: Temporal suggests it at 4,096 history events, and a batch adds six. Checked here on recorded histories of
 * continued runs (which carry no lock or planning activities), so the sentence breaks when a batch's events change.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** limit.historyCount.suggestContinueAsNew, Temporal server's default. */
const SUGGEST_AT_EVENTS = 4 * 1024;
const ROOT = join(__dirname, '..', '..');

interface Event {
  eventType: string;
  activityTaskScheduledEventAttributes?: { activityType: { name: string } };
}
const history = (name: string) => (JSON.parse(readFileSync(join(ROOT, 'test/histories', name), 'utf8')) as { events: Event[] }).events;

it.each(['continued-as-new-run-2.json', 'continued-as-new-run-3.json'])('%s: six events per batch, so about 680 batches per run', (file) => {
  const events = history(file);
  const batches = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType.name === 'applyBatch').length;
  // Started, its first workflow task (scheduled, started, completed), and the closing ContinuedAsNew event.
  const overhead = 5;
  expect(batches).toBeGreaterThan(0);
  expect((events.length - overhead) / batches).toBe(6);
  const perRun = Math.floor((SUGGEST_AT_EVENTS - overhead) / 6);
  expect(Math.round(perRun / 10) * 10).toBe(680);
  for (const doc of ['README.md', 'docs/operations.md']) expect(readFileSync(join(ROOT, doc), 'utf8').replace(/\s+/g, ' ')).toContain('about every 680 batches');
});
