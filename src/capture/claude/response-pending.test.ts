import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { responsePending } from './response-pending.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-pending-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(text: string): string {
  const f = path.join(dir, `t${++n}.jsonl`);
  fs.writeFileSync(f, text);
  return f;
}

function assistant(stopReason: string | null, text = 'ok'): string {
  return JSON.stringify({
    type: 'assistant',
    message: {
      id: `msg_${n}`,
      role: 'assistant',
      content: [{ type: 'text', text }],
      stop_reason: stopReason,
    },
  });
}

const user = JSON.stringify({
  type: 'user',
  message: { role: 'user', content: 'the tool said "assistant"' },
});

describe('responsePending', () => {
  it('is true while the last complete response asked for a tool', () => {
    expect(responsePending(file(`${user}\n${assistant('tool_use')}\n`))).toBe(true);
    // The tool's result is back, the next response is not written yet.
    expect(responsePending(file(`${assistant('tool_use')}\n${user}\n`))).toBe(true);
    // The answer's line is only half written: it is not trusted yet.
    const half = assistant('end_turn').slice(0, 40);
    expect(responsePending(file(`${assistant('tool_use')}\n${half}`))).toBe(true);
  });

  it('is false once the answer is there, and where the file gives no sign', () => {
    expect(responsePending(file(`${assistant('tool_use')}\n${user}\n${assistant('end_turn')}\n`))).toBe(
      false,
    );
    expect(responsePending(file(`${assistant('max_tokens')}\n`))).toBe(false);
    // A whole last line with no newline after it is read as it is.
    expect(responsePending(file(`${assistant('tool_use')}\n${assistant('end_turn')}`))).toBe(false);
    // Versions that write no stop reason.
    expect(responsePending(file(`${assistant(null)}\n`))).toBe(false);
    expect(responsePending(file(`${user}\n`))).toBe(false);
    expect(responsePending(file(''))).toBe(false);
    expect(responsePending(file('not json\n{"type":"assistant"\n'))).toBe(false);
    expect(responsePending(path.join(dir, 'missing.jsonl'))).toBe(false);
  });

  it('looks further back past long lines, up to 1 MB from the end', () => {
    const big = JSON.stringify({ type: 'user', message: { content: 'x'.repeat(300_000) } });
    expect(responsePending(file(`${assistant('end_turn')}\n${assistant('tool_use')}\n${big}\n`))).toBe(true);
    expect(responsePending(file(`${assistant('tool_use', 'y'.repeat(200_000))}\n`))).toBe(true);
    const huge = `${big}\n${big}\n${big}\n${big}\n`;
    expect(responsePending(file(`${assistant('tool_use')}\n${huge}`))).toBe(false);
  });
});
