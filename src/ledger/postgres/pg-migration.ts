/** One versioned schema change of the PostgreSQL ledger (see migrations.ts). */
export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}
