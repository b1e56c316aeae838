/**
 * The sources an import reads, in order. Adding a source agent is adding its folder under
 * `capture/` and its adapter here.
 * @module
 */
import { claudeAdapter } from '../../capture/claude/adapter.js';
import type { SourceAdapter } from '../../capture/source-adapter.js';

export const SOURCE_ADAPTERS: readonly SourceAdapter[] = [claudeAdapter];

/** The adapter of a source id (an import worker gets jobs by id). */
export function sourceAdapter(id: string): SourceAdapter {
  const found = SOURCE_ADAPTERS.find((a) => a.id === id);
  if (found === undefined)
    throw new Error(
      `no capture adapter for source "${id}"; known: ${SOURCE_ADAPTERS.map((a) => a.id).join(', ')}`,
    );
  return found;
}
