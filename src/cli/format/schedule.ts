import type { CalendarSpecDescription, Range } from '@temporalio/client';
import type { ScheduleReport } from '../../client';
import { formatSeconds } from '../../shared/duration';

function cronField<T>(ranges: Range<T>[], full: [number, number], toNumber: (v: T) => number): string {
  if (ranges.length === 0) return '*';
  return ranges
    .map((r) => {
      const [start, end] = [toNumber(r.start), toNumber(r.end)];
      const step = r.step > 1 ? `/${r.step}` : '';
      if (start === full[0] && end === full[1]) return `*${step}`;
      return end > start ? `${start}-${end}${step}` : `${start}${step}`;
    })
    .join(',');
}

const MONTHS = ['JANUARY', 'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE', 'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER'];
const DAYS = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];

/** The server keeps a cron as a structured calendar; written back as cron it reads as it was typed. */
function calendarAsCron(c: CalendarSpecDescription): string {
  const id = (v: number) => v;
  const fields = [
    cronField(c.minute, [0, 59], id),
    cronField(c.hour, [0, 23], id),
    cronField(c.dayOfMonth, [1, 31], id),
    cronField(c.month, [1, 12], (m) => MONTHS.indexOf(m) + 1),
    cronField(c.dayOfWeek, [0, 6], (d) => DAYS.indexOf(d)),
  ];
  const second = cronField(c.second, [0, 59], id);
  const year = c.year.length ? ` year ${cronField(c.year, [0, 0], id)}` : '';
  return `cron "${second === '0' ? '' : second + ' '}${fields.join(' ')}"${year}${c.comment ? ` (${c.comment})` : ''}`;
}

function when(d: Date, timeZone: string): string {
  const local = new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'medium' }).format(d);
  return timeZone === 'UTC' ? `${local} UTC` : `${local} ${timeZone} (${d.toISOString()})`;
}

export function formatSchedule({ description: d, recentRuns }: ScheduleReport): string {
  const tz = d.spec.timezone || 'UTC';
  const specs = [...(d.spec.intervals ?? []).map((i) => `every ${formatSeconds(i.every / 1000)}${i.offset ? ` (offset ${formatSeconds(i.offset / 1000)})` : ''}`), ...(d.spec.calendars ?? []).map(calendarAsCron)];
  const a = d.action;
  const lines = [
    `Schedule ${d.scheduleId} · ${d.state.paused ? 'PAUSED' : 'active'}${d.state.note ? ` · note: ${d.state.note}` : ''}`,
    `  spec          ${specs.join(' + ') || '(none)'} · time zone ${tz}`,
    `  action        start ${a.workflowType} on task queue ${a.taskQueue}, workflow id ${a.workflowId}-<time>, input ${JSON.stringify(a.args?.[0] ?? {})}`,
    `  policies      overlap ${d.policies.overlap} · catchup window ${formatSeconds(d.policies.catchupWindow / 1000)}`,
    `  actions       ${d.info.numActionsTaken} taken · ${d.info.numActionsSkippedOverlap} skipped (overlap) · ${d.info.numActionsMissedCatchupWindow} missed (catchup window)`,
    `  next runs     ${d.info.nextActionTimes.slice(0, 5).map((t) => when(t, tz)).join('\n                ') || (d.state.paused ? '(none while paused)' : '(none: the spec matches no future time)')}`,
  ];
  if (recentRuns.length) lines.push('  recent runs');
  for (const r of recentRuns) lines.push(`    ${when(r.takenAt, tz)}  ${r.workflowId}  ${r.status}`);
  for (const r of d.info.runningActions) lines.push(`  running       ${r.workflow.workflowId} (run ${r.workflow.firstExecutionRunId})`);
  return lines.join('\n');
}
