import { ConfigError } from '../errors';

export const DEFAULT_DATABASE_URL = 'mysql://root@127.0.0.1:3306/belle_ai';

export interface DatabaseSettings {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** Parses `mysql://user:password@host:port/database`; the password is never echoed back in errors. */
export function parseDatabaseUrl(url: string = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL): DatabaseSettings {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(
      'DATABASE_URL is not a valid URL',
      'Use the form mysql://user:password@host:3306/database',
    );
  }
  if (parsed.protocol !== 'mysql:') {
    throw new ConfigError(
      `DATABASE_URL must start with mysql:// (got ${parsed.protocol}//)`,
      'Use the form mysql://user:password@host:3306/database',
    );
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_$]{1,64}$/.test(database)) {
    throw new ConfigError(
      `DATABASE_URL names no usable database ("${database}")`,
      'Put the schema name after the host, e.g. mysql://root@127.0.0.1:3306/belle_ai',
    );
  }
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username || 'root'),
    password: decodeURIComponent(parsed.password),
    database,
  };
}

/** The URL with the password masked: safe for logs and messages. */
export function describeDatabase(s: DatabaseSettings): string {
  return `mysql://${s.user}${s.password ? ':***' : ''}@${s.host}:${s.port}/${s.database}`;
}

export function withDatabase(s: DatabaseSettings, database: string): DatabaseSettings {
  return { ...s, database };
}
