/**
 * How a front end starts the MCP server (src/mcp) without importing it: the server's options, and the
 * shape of its entry module (`mcp/mcp-main.ts`), which `tokenledger mcp` loads by path from its own
 * bundle so that only that command loads the MCP SDK.
 * @module
 */

/** Options of `tokenledger mcp`. */
export interface McpServerOptions {
  /** The ledger file (default: `$TOKENLEDGER_DB`, else `<data dir>/ledger.db`). */
  db?: string;
  /** The config file (default: `$TOKENLEDGER_CONFIG`, else the usual place). */
  config?: string;
  /** Root of the seed 000 `.token-usage/` tree written by `record_usage` (default: the config's, else `<project>/.token-usage`). */
  root?: string;
  /** false: read the ledger as it is, without importing new transcripts first. */
  import?: boolean;
  /** The version the server reports to clients. */
  version?: string;
}

/** What the server's entry module exports. */
export interface McpServerModule {
  /** Serves on stdio until the session ends; resolves with the exit code. */
  serveMcp(options: McpServerOptions): Promise<number>;
}
