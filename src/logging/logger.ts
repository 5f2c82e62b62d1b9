import pino from 'pino';
import { LogSettings, logSettings } from './settings';

export type ProcessLogger = pino.Logger;

/**
 * Keys whose values never reach a log line, wherever a caller or the SDK puts them: a database URL or password, the
 * Temporal API key, TLS material, authorization metadata. The product logs none of them on purpose; this is the
 * second line of defence (test/integration/secrets.test.ts checks the output).
 */
const SECRET_KEYS = ['password', 'databaseUrl', 'DATABASE_URL', 'url', 'apiKey', 'api_key', 'authorization', 'key', 'crt', 'cert', 'clientCertPair', 'serverRootCACertificate', 'tls', 'metadata'];
const REDACT_PATHS = [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`)];

/**
 * The process's logger: pino, writing to stderr (fd 2) synchronously, so a line written just before the process
 * exits is not lost and stdout stays for the command's own output. JSON lines carry `time` as ISO 8601 and `level`
 * as its name; the pretty form is pino-pretty's, loaded only when asked for.
 */
export function createLogger(settings: LogSettings, fd = 2): ProcessLogger {
  const options: pino.LoggerOptions = {
    name: 'product-etl',
    level: settings.level.toLowerCase(),
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // The SDK passes failures as `error`; pino's serializer keeps their message, type and stack (plain JSON would not).
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
  };
  if (settings.format === 'pretty') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only for the pretty form (CLI start time)
    const pretty = require('pino-pretty') as typeof import('pino-pretty');
    return pino(options, pretty({ destination: fd, sync: true, colorize: fd === 2 && process.stderr.isTTY && !process.env.NO_COLOR, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name', singleLine: true }));
  }
  return pino({ ...options, formatters: { level: (label) => ({ level: label }) } }, pino.destination({ fd, sync: true }));
}

let current: ProcessLogger | undefined;

/** The logger of this process: the one installLogger() made, or one from the environment's settings. */
export function processLogger(): ProcessLogger {
  return (current ??= createLogger(logSettings(process.env, process.stderr.isTTY === true)));
}

/** Made once per process (src/cli/main.ts, through installRuntime) with the command's default level. */
export function installLogger(settings: LogSettings): ProcessLogger {
  current = createLogger(settings);
  return current;
}
