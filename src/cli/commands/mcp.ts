/**
 * `tokenledger mcp [--db PATH] [--config PATH] [--root DIR] [--no-import]`: an MCP server on stdio
 * with the tools record_usage, log_task_tokens, query_usage and usage_report (see docs/MCP.md).
 * @module
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { checkLedgerReachable } from '../../app/ledger-session.js';
import type { McpServerModule } from '../../app/mcp-server-options.js';
import type { CommonOptions } from '../context.js';

export interface McpOptions extends CommonOptions {
  root?: string;
  version?: string;
}

/**
 * The server module. The CLI bundle (dist/bin/main.cjs) finds its own bundle beside it, so that the
 * SDK is loaded by this command only and never parsed by the others; tsc's output (dist/cli) and the
 * sources load the module itself.
 */
async function loadServer(): Promise<McpServerModule> {
  const here = import.meta.url;
  const bundled = fileURLToPath(new URL('./mcp-main.cjs', here));
  if (fs.existsSync(bundled)) return createRequire(here)(bundled) as McpServerModule;
  const ext = here.endsWith('.ts') ? '.ts' : '.js';
  return (await import(new URL(`../../mcp/mcp-main${ext}`, here).href)) as McpServerModule;
}

export async function runMcp(opts: McpOptions): Promise<number> {
  // A location that cannot be parsed, or a PostgreSQL ledger that cannot be reached, fails the
  // command now, not each call. (Here, not in the server's bundle: its errors would be another
  // bundle's classes to this one.)
  await checkLedgerReachable(opts.db);
  const { serveMcp } = await loadServer();
  return serveMcp({
    ...(opts.db === undefined ? {} : { db: opts.db }),
    ...(opts.config === undefined ? {} : { config: opts.config }),
    ...(opts.root === undefined ? {} : { root: opts.root }),
    ...(opts.import === false ? { import: false } : {}),
    ...(opts.version === undefined ? {} : { version: opts.version }),
  });
}
