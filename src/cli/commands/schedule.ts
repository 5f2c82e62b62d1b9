import { Command } from '@commander-js/extra-typings';
import type { SyncClient } from '../../client/syncClient';
import { SCHEDULED_WORKFLOW_ID, scheduleDefinitionFromFlags } from '../../client/scheduleDefinition';
import { DEFAULT_SCHEDULED_LOOKBACK } from '../../client/syncInput';
import { SCHEDULE_ID } from '../../workflows/definitions';
import { act, AddCommand, ExitStatus, refuseContradiction } from '../command';
import { withSyncClient } from '../context';
import { formatSchedule } from '../format/schedule';
import { print, say } from '../output';

const LOOKBACK_HELP = `
--lookback: each run first re-reads this far behind the watermark, for rows committed late with an older
src_updated_at. Default ${DEFAULT_SCHEDULED_LOOKBACK} for scheduled runs; --lookback 0 turns it off. Longer catches later commits but
re-reads more rows every run (rows already applied change nothing; rejected rows are counted again but recorded
once). Not applied with --no-resume, which re-reads everything.`;

/** Every subcommand names its schedule. */
const subcommand = (parent: Command, name: string, description: string) =>
  parent.command(name).description(description).option('--schedule-id <id>', 'the schedule', SCHEDULE_ID);

/** The timing and the `sync` flags of every run: what create and update both take in full. */
const withDefinition = (cmd: ReturnType<typeof subcommand>) =>
  refuseContradiction(cmd, 'resume')
    .option('--every <duration>', 'start a run at this interval, e.g. 1h (give --every or --cron)')
    .option('--cron <expression>', 'start runs on this cron, e.g. "0 * * * *" (minute hour day-of-month month day-of-week)')
    .option('--time-zone <zone>', 'IANA time zone of --cron, e.g. Asia/Shanghai (default: UTC)')
    .option('--catchup-window <duration>', 'how late a missed run may still start, e.g. 10m (default: the server\'s)')
    .option('--note <text>', 'a note shown with the schedule')
    .option('--limit <n>', 'batch size of each run, 1 to 10000 (default: 1000)')
    .option('--batch-size <n>', 'the same as --limit, under its clear name')
    .option('--partitions <k>', 'split each window of batch size × K rows into K partitions applied at once, on any workers, 1 to 32 (default: 1; see docs/scaling.md)')
    .option('--dry-run', 'runs plan and write nothing')
    .option('--resume', 'each run starts from the watermark (the default)')
    .option('--no-resume', 'each run re-reads all of staging')
    .option('--lookback <duration>', `re-read this far behind the watermark (default: ${DEFAULT_SCHEDULED_LOOKBACK})`)
    .option('--workflow-id <prefix>', `prefix of each run's workflow id (default: ${SCHEDULED_WORKFLOW_ID})`)
    .addHelpText('after', LOOKBACK_HELP);

const withNote = (cmd: ReturnType<typeof subcommand>) => cmd.option('--note <text>', 'why, shown with the schedule');

/**
 * Runs one operation. It returns what to say before the schedule as it is now is printed ('' for nothing), or
 * undefined when it printed all there is to say itself (trigger, delete).
 */
function run<O extends { scheduleId: string }>(exit: ExitStatus, operation: (client: SyncClient, o: O) => Promise<string | undefined>) {
  return act(exit, (o: O) => withSyncClient(async (client) => {
    const said = await operation(client, o);
    if (said !== undefined) {
      if (said) print(said);
      print(formatSchedule(await client.schedules.describe(o.scheduleId)));
    }
    return 0;
  }));
}

/** `schedule ...`: the sync on a timetable, with overlap policy SKIP. */
export const addScheduleCommand: AddCommand = (program, exit) => {
  const schedule = program.command('schedule').description(`the sync on a timetable: the schedule ${SCHEDULE_ID}, overlap policy SKIP`);
  withDefinition(subcommand(schedule, 'create', 'create the schedule'))
    .action(run(exit, async (client, o) => {
      await client.schedules.create(o.scheduleId, scheduleDefinitionFromFlags(o), o.note);
      return `Created schedule ${o.scheduleId}.`;
    }));
  withDefinition(subcommand(schedule, 'update', 'replace the whole definition with what is given (the paused state is kept)'))
    .action(run(exit, async (client, o) => {
      await client.schedules.update(o.scheduleId, scheduleDefinitionFromFlags(o), o.note);
      return `Updated schedule ${o.scheduleId}.`;
    }));
  subcommand(schedule, 'describe', 'the schedule, its next runs and the runs it started').action(run(exit, async () => ''));
  withNote(subcommand(schedule, 'pause', 'stop starting runs (a running one goes on)'))
    .action(run(exit, async (client, o) => {
      await client.schedules.pause(o.scheduleId, o.note);
      return `Paused schedule ${o.scheduleId}.`;
    }));
  withNote(subcommand(schedule, 'unpause', 'start runs again'))
    .action(run(exit, async (client, o) => {
      await client.schedules.unpause(o.scheduleId, o.note);
      return `Unpaused schedule ${o.scheduleId}.`;
    }));
  subcommand(schedule, 'trigger', 'start a run now (skipped while one it started is still running)').action(run(exit, async (client, o) => {
    const t = await client.schedules.trigger(o.scheduleId);
    if (t.kind === 'started') {
      print(`Triggered schedule ${o.scheduleId}: started ${t.workflowId ?? 'a run'}.`);
      if (t.workflowId) say(`Follow it with \`npx product-etl status --follow --workflow-id ${t.workflowId}\`.`);
    } else if (t.kind === 'skipped') {
      print(`Schedule ${o.scheduleId} did not start a run: one it started is still running (overlap policy SKIP).`);
    } else {
      print(`Triggered schedule ${o.scheduleId}; the run has not shown up yet (see \`schedule describe\`).`);
    }
    return undefined;
  }));
  subcommand(schedule, 'delete', 'delete the schedule (runs it started are not affected)').action(run(exit, async (client, o) => {
    await client.schedules.delete(o.scheduleId);
    print(`Deleted schedule ${o.scheduleId}. Runs it started are not affected.`);
    return undefined;
  }));
};
