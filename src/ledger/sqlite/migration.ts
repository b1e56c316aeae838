/** One versioned schema change of the SQLite ledger (see migrations.ts). */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
