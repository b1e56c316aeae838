/**
 * `tokenledger dashboard [--port N] [--open] [--db …]`: the web dashboard (src/dashboard), loaded by
 * path so that only this command loads the web server.
 * @module
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { checkTimeZone } from '../../analysis/zoned-time.js';
import type { DashboardModule } from '../../app/dashboard-options.js';
import { ledgerLocation } from '../../config/paths.js';
import { openLedger } from '../../ledger/open-ledger.js';
import { ExitCode, UserError } from '../../util/errors.js';
import type { CommonOptions } from '../context.js';

export interface DashboardCliOptions extends CommonOptions {
  port: string;
  open?: boolean;
  refreshInterval: string;
  timezone?: string;
}

/** The CLI bundle (dist/bin/main.cjs) finds the dashboard's bundle beside it; tsc's output and the sources load the module. */
async function loadDashboard(): Promise<DashboardModule> {
  const here = import.meta.url;
  const bundled = fileURLToPath(new URL('./dashboard-main.cjs', here));
  if (fs.existsSync(bundled)) return createRequire(here)(bundled) as DashboardModule;
  const ext = here.endsWith('.ts') ? '.ts' : '.js';
  return (await import(new URL(`../../dashboard/dashboard-main${ext}`, here).href)) as DashboardModule;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 65535) {
    throw new UserError(
      `--port "${value}" is not a port; use 0 to 65535 (0 picks a free one).`,
      ExitCode.usage,
    );
  }
  return n;
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0.2 || n > 3600) {
    throw new UserError(
      `--refresh-interval "${value}" is not a number of seconds; use 0.2 to 3600 (default 2).`,
      ExitCode.usage,
    );
  }
  return n;
}

export async function runDashboard(opts: DashboardCliOptions): Promise<number> {
  const port = parsePort(opts.port);
  const refreshSeconds = parseSeconds(opts.refreshInterval);
  if (opts.timezone !== undefined) checkTimeZone(opts.timezone);
  // A location that cannot be parsed, or a PostgreSQL ledger that cannot be reached, fails now.
  // (Here, not in the dashboard's bundle: its errors would be another bundle's classes to this one.)
  const location = ledgerLocation(opts.db);
  if (location.kind === 'postgres') await (await openLedger(location)).close();
  const { serveDashboard } = await loadDashboard();
  return serveDashboard({
    port,
    refreshSeconds,
    ...(opts.db === undefined ? {} : { db: opts.db }),
    ...(opts.config === undefined ? {} : { config: opts.config }),
    ...(opts.open === true ? { open: true } : {}),
    ...(opts.import === false ? { import: false } : {}),
    ...(opts.timezone === undefined ? {} : { timezone: opts.timezone }),
  });
}
