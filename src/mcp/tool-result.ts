/**
 * The shape of every MCP tool answer here: the JSON as the text content (what most clients show the
 * model) and the same object as `structuredContent`; errors as `{error}` with `isError: true`, so a
 * bad call never ends the session.
 * @module
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { UserError } from '../util/errors.js';

/** A JSON answer; `text` lines, when given, follow it as a second content item for people. */
export function jsonResult(value: Record<string, unknown>, text?: string, isError = false): CallToolResult {
  const content: CallToolResult['content'] = [{ type: 'text', text: JSON.stringify(value, null, 2) }];
  if (text !== undefined) content.push({ type: 'text', text });
  return isError
    ? { content, structuredContent: value, isError: true }
    : { content, structuredContent: value };
}

/** `{error: message}` with `isError: true`. */
export function errorResult(message: string): CallToolResult {
  return jsonResult({ error: message }, undefined, true);
}

/**
 * Runs a tool body: its answer, or an error result. A {@link UserError} (bad input, unknown task, a
 * config problem) is the caller's to fix and comes back as it is; anything else is a bug, logged with
 * its stack on stderr and answered with its message.
 */
export async function toolCall(
  name: string,
  body: () => Promise<CallToolResult>,
  log: (line: string) => void,
): Promise<CallToolResult> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UserError) return errorResult(error.message);
    log(
      `tokenledger mcp: ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return errorResult(
      `${name} failed unexpectedly (${error instanceof Error ? error.message : String(error)}); the server's stderr has the details.`,
    );
  }
}
