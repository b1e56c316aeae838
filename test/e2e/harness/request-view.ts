/** Reading a Messages API request body into a {@link RequestView}, and matching turns against it. */
import type { RequestView, TurnMatch } from './scenario-types.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function blocks(content: unknown): Record<string, unknown>[] {
  return Array.isArray(content) ? content.filter(isRecord) : [];
}

/** Text of a message's content: text blocks and the contents of tool_result blocks. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  return blocks(content)
    .map((b) => {
      if (b.type === 'text' && typeof b.text === 'string') return b.text;
      if (b.type === 'tool_result') return textOf(b.content);
      return '';
    })
    .join('\n');
}

function systemText(system: unknown): string {
  if (typeof system === 'string') return system;
  return blocks(system)
    .map((b) => (typeof b.text === 'string' ? b.text : ''))
    .join('\n');
}

/** What matters about a parsed `POST /v1/messages` body. */
export function describeRequest(body: Record<string, unknown>): RequestView {
  const messages = Array.isArray(body.messages) ? body.messages.filter(isRecord) : [];
  const users = messages.filter((m) => m.role === 'user');
  const first = users[0];
  const last = users[users.length - 1];
  const tools = Array.isArray(body.tools) ? body.tools.filter(isRecord) : [];
  return {
    model: typeof body.model === 'string' ? body.model : '',
    stream: body.stream === true,
    system: systemText(body.system),
    firstUserText: first ? textOf(first.content) : '',
    lastUserText: last ? textOf(last.content) : '',
    toolResultIds: last
      ? blocks(last.content)
          .filter((b) => b.type === 'tool_result' && typeof b.tool_use_id === 'string')
          .map((b) => String(b.tool_use_id))
      : [],
    toolNames: tools.map((t) => String(t.name ?? t.type ?? '')),
    messageCount: messages.length,
  };
}

/** Whether a request meets every condition of a turn's `match`. */
export function turnMatches(m: TurnMatch, r: RequestView): boolean {
  if (m.modelIncludes !== undefined && !r.model.includes(m.modelIncludes)) return false;
  if (m.modelExcludes !== undefined && r.model.includes(m.modelExcludes)) return false;
  if (m.lastUserIncludes !== undefined && !r.lastUserText.includes(m.lastUserIncludes)) return false;
  if (m.lastUserExcludes !== undefined && r.lastUserText.includes(m.lastUserExcludes)) return false;
  if (m.firstUserIncludes !== undefined && !r.firstUserText.includes(m.firstUserIncludes)) return false;
  if (m.systemIncludes !== undefined && !r.system.includes(m.systemIncludes)) return false;
  if (m.hasToolResult !== undefined && m.hasToolResult !== r.toolResultIds.length > 0) return false;
  if (m.toolResultFor !== undefined && !r.toolResultIds.includes(m.toolResultFor)) return false;
  if (m.hasTools !== undefined && m.hasTools !== r.toolNames.length > 0) return false;
  if (m.toolsInclude !== undefined && !r.toolNames.includes(m.toolsInclude)) return false;
  if (m.stream !== undefined && m.stream !== r.stream) return false;
  if (m.when !== undefined && !m.when(r)) return false;
  return true;
}
