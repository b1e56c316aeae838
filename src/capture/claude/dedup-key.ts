/**
 * Claude Code's de-duplication key (FORMATS.md §1.5): one model API call is `message.id` plus the
 * `requestId` of the request that returned it. The same call appears in several lines (one per
 * content block), in forks of the session and in relayed subagent progress lines; they all share it.
 * @module
 */

/** `message.id:requestId`, or `message.id` when there is no requestId (message ids never contain `:`). */
export function claudeDedupKey(messageId: string, requestId: string | null): string {
  return requestId === null ? messageId : `${messageId}:${requestId}`;
}
