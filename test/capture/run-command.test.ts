/**
 * The run engine shared by `tokenledger run` and the library: a real child process (node printing a
 * recorded Claude Code stream-json output in small pieces), its stdout teed to a stream and parsed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runClaudeCommand } from '../../src/capture/claude/run-command.js';
import { parseClaudeOutput } from '../../src/capture/claude/stream/index.js';

const FIXTURE = path.resolve(
  import.meta.dirname,
  '../../src/capture/claude/stream/__fixtures__/2.1.330-background-agent.stream-json.jsonl',
);

/** A child that writes the fixture in 997-byte pieces (splitting lines and characters), then exits. */
const PRINTER = `
const fs = require('node:fs');
const data = fs.readFileSync(process.argv[1]);
let i = 0;
const next = () => {
  if (i >= data.length) process.exit(Number(process.argv[2] ?? 0));
  process.stdout.write(data.subarray(i, i + 997), next);
  i += 997;
};
next();
`;

function capture(): { stream: PassThrough; text: () => Buffer } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks) };
}

describe('runClaudeCommand', () => {
  it('tees stdout byte for byte and parses it as a whole parse would', async () => {
    const out = capture();
    let seen = 0;
    const run = await runClaudeCommand(process.execPath, ['-e', PRINTER, FIXTURE, '3'], {
      stdout: out.stream,
      stdin: 'ignore',
      onChunk: (chunk) => {
        seen += chunk.length;
      },
      forwardSignals: false,
    });
    const bytes = fs.readFileSync(FIXTURE);
    expect(run.exitCode).toBe(3);
    expect(run.signal).toBeNull();
    expect(run.spawnError).toBeNull();
    expect(out.text().equals(bytes)).toBe(true);
    // However the pipe coalesced the 997-byte writes, onChunk saw every byte.
    expect(seen).toBe(bytes.length);
    expect(run.result).toEqual(parseClaudeOutput(bytes));
    expect(run.result.source).toBe('result');
    expect(run.endedAt).toBeGreaterThanOrEqual(run.startedAt);
  });

  it('reports a command that cannot start, with an empty result', async () => {
    const run = await runClaudeCommand('/nonexistent/claude-binary', ['-p', 'x'], { stdin: 'ignore' });
    expect(run.spawnError?.code).toBe('ENOENT');
    expect(run.exitCode).toBeNull();
    expect(run.result.source).toBe('none');
  });

  it('reports a child killed by a signal, with what it printed before', async () => {
    const killer = `process.stdout.write(require('node:fs').readFileSync(process.argv[1], 'utf8').split('\\n').slice(0, 5).join('\\n') + '\\n', () => process.kill(process.pid, 'SIGKILL'));`;
    const run = await runClaudeCommand(process.execPath, ['-e', killer, FIXTURE], {
      stdin: 'ignore',
      forwardSignals: false,
    });
    expect(run.exitCode).toBeNull();
    expect(run.signal).toBe('SIGKILL');
    expect(run.result.source).not.toBe('result');
  });

  it('keeps draining the child when the output stream fails', async () => {
    const broken = new PassThrough();
    broken.write = () => {
      broken.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      return false;
    };
    const run = await runClaudeCommand(process.execPath, ['-e', PRINTER, FIXTURE], {
      stdout: broken,
      stdin: 'ignore',
      forwardSignals: false,
    });
    expect(run.exitCode).toBe(0);
    expect(run.result).toEqual(parseClaudeOutput(fs.readFileSync(FIXTURE)));
  });

  it('an onChunk that throws is not called again, its error is returned, and the run goes on', async () => {
    let calls = 0;
    const run = await runClaudeCommand(process.execPath, ['-e', PRINTER, FIXTURE], {
      stdin: 'ignore',
      forwardSignals: false,
      onChunk: () => {
        calls++;
        throw new Error('callback failed');
      },
    });
    expect(calls).toBe(1);
    expect(run.chunkError?.message).toBe('callback failed');
    expect(run.exitCode).toBe(0);
    expect(run.result).toEqual(parseClaudeOutput(fs.readFileSync(FIXTURE)));
  });
});
