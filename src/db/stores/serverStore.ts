import type { Knex } from 'knex';
import { normalizeDatetime6 } from '../../domain/cursor';

export interface ServerIdentity {
  /** The schema the connection uses. */
  database: string;
  version: string;
}

/** What the server says of itself, and the arithmetic only it does exactly. */
export const serverStore = {
  async identify(db: Knex | Knex.Transaction): Promise<ServerIdentity> {
    const [rows] = await db.raw('SELECT DATABASE() AS db, VERSION() AS version');
    const { db: database, version } = (rows as Array<{ db: string; version: string }>)[0];
    return { database, version };
  },

  /** A DATETIME(6) text `microseconds` earlier, computed by the server: a JavaScript Date would drop the microseconds. */
  async datetimeMinus(db: Knex | Knex.Transaction, at: string, microseconds: number): Promise<string> {
    const [rows] = await db.raw("SELECT DATE_FORMAT(CAST(? AS DATETIME(6)) - INTERVAL ? MICROSECOND, '%Y-%m-%d %H:%i:%s.%f') AS at", [at, microseconds]);
    return normalizeDatetime6((rows as Array<{ at: string }>)[0].at);
  },
};
