import { ConfigError } from '../errors';

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
export type LogFormat = 'json' | 'pretty';

const LEVELS: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

export interface LogSettings {
  level: LogLevel;
  format: LogFormat;
}

/**
 * LOG_LEVEL and LOG_FORMAT. Logs go to stderr, so the format follows stderr: pretty on a terminal, JSON lines
 * everywhere else (a pipe, a file, journald, a container runtime); LOG_FORMAT=json|pretty decides either way.
 * `defaultLevel` is the command's: INFO for the long-running worker, WARN for a command a person waits on.
 */
export function logSettings(env: NodeJS.ProcessEnv, stderrIsTTY: boolean, defaultLevel: LogLevel = 'WARN'): LogSettings {
  const levelText = env.LOG_LEVEL?.trim();
  const level = levelText ? levelText.toUpperCase() as LogLevel : defaultLevel;
  if (!LEVELS.includes(level)) {
    throw new ConfigError(`LOG_LEVEL=${JSON.stringify(env.LOG_LEVEL)} is not a log level.`, `Set LOG_LEVEL to one of ${LEVELS.join(', ')}, or unset it (default ${defaultLevel}).`);
  }
  const formatText = env.LOG_FORMAT?.trim().toLowerCase();
  if (formatText && formatText !== 'json' && formatText !== 'pretty') {
    throw new ConfigError(`LOG_FORMAT=${JSON.stringify(env.LOG_FORMAT)} is not a log format.`, 'Set LOG_FORMAT to json (one JSON object per line) or pretty (for reading), or unset it (pretty on a terminal, else json).');
  }
  return { level, format: (formatText as LogFormat | undefined) ?? (stderrIsTTY ? 'pretty' : 'json') };
}
