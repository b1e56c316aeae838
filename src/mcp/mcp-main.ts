/**
 * `tokenledger mcp`: serves the MCP tools on stdio until the client closes stdin (or a SIGINT or
 * SIGTERM). stdout carries the protocol and nothing else; notes go to stderr.
 *
 * The CLI bundle keeps this in a bundle of its own (dist/bin/mcp-main.cjs): the SDK and its schema
 * libraries weigh several times the rest of the CLI, and only this command needs them.
 * @module
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { McpServerOptions } from '../app/mcp-server-options.js';
import { describeLedgerLocation } from '../config/ledger-location.js';
import { ledgerLocation } from '../config/paths.js';
import { createMcpServer } from './mcp-server.js';

export type { McpServerOptions } from '../app/mcp-server-options.js';

/** Serves until the session ends; resolves with the exit code. */
export async function serveMcp(options: McpServerOptions): Promise<number> {
  const location = ledgerLocation(options.db);
  const log = (line: string) => {
    process.stderr.write(`${line}\n`);
  };
  // Nothing but protocol on stdout, whatever some module might print.
  const toStderr = (...args: unknown[]) => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;

  const { server, idle } = createMcpServer(options, log);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = resolve;
  });
  let closing: Promise<void> | null = null;
  const shutdown = (why: string) => {
    closing ??= (async () => {
      log(`tokenledger mcp: ${why}; finishing calls in progress and stopping.`);
      await idle();
      await server.close();
    })();
    return closing;
  };
  process.stdin.once('end', () => void shutdown('stdin closed'));
  process.stdout.on(
    'error',
    (error: NodeJS.ErrnoException) => void shutdown(`stdout failed (${error.code ?? error.message})`),
  );
  const onSignal = (signal: NodeJS.Signals) => void shutdown(`got ${signal}`);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  await server.connect(transport);
  log(`tokenledger mcp: serving on stdio; ledger ${describeLedgerLocation(location)}.`);
  await closed;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  // The transport pauses stdin; let it go so the process can end.
  process.stdin.destroy();
  return 0;
}
