/**
 * Every `cost-state` line of one transcript, in file order (FORMATS.md §1.6): Claude Code's running
 * totals for the session, one written after each run. A headless run's share of a resumed session
 * is its result total minus the state written before it.
 * @module
 */
import fs from 'node:fs';
import { scanJsonl } from '../jsonl/line-scanner.js';
import type { CostCheckpoint } from '../types.js';
import { ClaudeLineParser } from './parse.js';

const PREFIX = Buffer.from('{"type":"cost-state"');

export function readCostStates(file: string, sessionHint: string | null): CostCheckpoint[] {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return [];
  }
  try {
    const parser = new ClaudeLineParser({
      file,
      kind: 'main',
      sessionHint,
      agentHint: null,
      fallbackTs: 0,
      taskPattern: null,
    });
    scanJsonl(fd, 0, { markers: [], prefixes: [PREFIX] }, (line) => {
      try {
        parser.handle(JSON.parse(line.bytes.toString('utf8')), line.offset);
      } catch {
        // not JSON: the import reports it
      }
    });
    return parser.costStates;
  } finally {
    fs.closeSync(fd);
  }
}
