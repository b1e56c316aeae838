/**
 * How a front end starts the dashboard (src/dashboard) without importing it: its options, and the
 * shape of its entry module (`dashboard/dashboard-main.ts`), which `tokenledger dashboard` loads by
 * path from its own bundle so that only that command loads the web server.
 * @module
 */

/** Options of `tokenledger dashboard`. */
export interface DashboardOptions {
  /** The ledger: a file path or a `postgres://` URL (default: `$TOKENLEDGER_DB`, else the usual place). */
  db?: string;
  /** The config file (default: `$TOKENLEDGER_CONFIG`, else the usual place). */
  config?: string;
  /** The port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** Open the URL in the default browser once the server is ready. */
  open?: boolean;
  /** false: no import of new transcripts (at start or while running); the ledger is shown as it is. */
  import?: boolean;
  /** Seconds between the imports that feed live updates. */
  refreshSeconds: number;
  /** IANA time zone for days (default: the config's, else the system's). */
  timezone?: string;
}

/** What the dashboard's entry module exports. */
export interface DashboardModule {
  /** Serves until SIGINT or SIGTERM; resolves with the exit code. */
  serveDashboard(options: DashboardOptions): Promise<number>;
}
