import { asyncLocalStorage } from '@temporalio/activity';
import type { Logger as SdkLogger, LogLevel as SdkLogLevel, LogMetadata } from '@temporalio/common';
import type { Logger } from '../activities/logger';
import type { ProcessLogger } from './logger';

const PINO_LEVEL: Record<SdkLogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/**
 * The Temporal SDK's logger interface over pino: the runtime's own lines, workflow logs (wf.log, which carry
 * workflowId, runId, workflowType), activity context logs and, with forwarding on, the native core's lines all end
 * up in the process's one stream. The SDK's meta (sdkComponent, ids) becomes fields of the line.
 */
export function sdkLogger(log: ProcessLogger): SdkLogger {
  const write = (level: SdkLogLevel, message: string, meta?: LogMetadata): void => {
    // Symbol keys (the SDK's LogTimestamp) are not fields; a spread keeps only the string keys pino writes anyway.
    log[PINO_LEVEL[level] ?? 'info']({ ...meta }, message);
  };
  return {
    log: write,
    trace: (m, meta) => write('TRACE', m, meta),
    debug: (m, meta) => write('DEBUG', m, meta),
    info: (m, meta) => write('INFO', m, meta),
    warn: (m, meta) => write('WARN', m, meta),
    error: (m, meta) => write('ERROR', m, meta),
  };
}

/** The ids of the activity this code runs in, if any: which run of which workflow, which attempt. */
function activityFields(): Record<string, unknown> {
  const info = asyncLocalStorage.getStore()?.info;
  if (!info) return {};
  return { workflowId: info.workflowExecution?.workflowId, runId: info.workflowExecution?.runId, activityType: info.activityType, attempt: info.attempt };
}

/**
 * The activities' Logger over pino: each line also names the Temporal workflow, run and attempt it belongs to when
 * it is written inside an activity (the pipeline run id and the batch's range come from the caller's meta).
 */
export function activityLogger(log: ProcessLogger): Logger {
  const child = log.child({ component: 'activity' });
  const write = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, meta?: Record<string, unknown>) => {
    if (child.isLevelEnabled(level)) child[level]({ ...activityFields(), ...meta }, message);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
