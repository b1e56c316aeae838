import { describe, expect, it } from 'vitest';
import { detectTerminal, PIPED_WIDTH, type TerminalStream } from './terminal.js';

const TTY: TerminalStream = { isTTY: true, columns: 132 };
const PIPE: TerminalStream = {};

describe('detectTerminal colour', () => {
  it.each<[string, NodeJS.ProcessEnv, TerminalStream, boolean | undefined, boolean]>([
    ['TTY, clean env', {}, TTY, undefined, true],
    ['piped', {}, PIPE, undefined, false],
    ['NO_COLOR=1 on a TTY', { NO_COLOR: '1' }, TTY, undefined, false],
    ['NO_COLOR empty is ignored', { NO_COLOR: '' }, TTY, undefined, true],
    ['TERM=dumb on a TTY', { TERM: 'dumb' }, TTY, undefined, false],
    ['TERM=xterm-256color on a TTY', { TERM: 'xterm-256color' }, TTY, undefined, true],
    ['FORCE_COLOR=1 when piped', { FORCE_COLOR: '1' }, PIPE, undefined, true],
    ['FORCE_COLOR=true with TERM=dumb', { FORCE_COLOR: 'true', TERM: 'dumb' }, PIPE, undefined, true],
    ['FORCE_COLOR=0 on a TTY', { FORCE_COLOR: '0' }, TTY, undefined, false],
    ['FORCE_COLOR empty is ignored', { FORCE_COLOR: '' }, PIPE, undefined, false],
    ['NO_COLOR beats FORCE_COLOR', { NO_COLOR: '1', FORCE_COLOR: '1' }, TTY, undefined, false],
    ['--color beats NO_COLOR and a pipe', { NO_COLOR: '1' }, PIPE, true, true],
    ['--no-color beats FORCE_COLOR on a TTY', { FORCE_COLOR: '1' }, TTY, false, false],
  ])('%s → %s', (_, env, stream, override, color) => {
    expect(detectTerminal(env, stream, override).color).toBe(color);
  });
});

describe('detectTerminal width', () => {
  it.each<[string, NodeJS.ProcessEnv, TerminalStream, number]>([
    ['TTY columns', { COLUMNS: '200' }, TTY, 132],
    ['TTY without columns falls back to COLUMNS', { COLUMNS: '90' }, { isTTY: true }, 90],
    ['piped, COLUMNS set', { COLUMNS: '200' }, PIPE, 200],
    ['piped, COLUMNS padded', { COLUMNS: ' 75 ' }, PIPE, 75],
    ['piped, no COLUMNS', {}, PIPE, PIPED_WIDTH],
    ['piped, COLUMNS not numeric', { COLUMNS: 'wide' }, PIPE, PIPED_WIDTH],
    ['piped, COLUMNS zero', { COLUMNS: '0' }, PIPE, PIPED_WIDTH],
    ['piped, COLUMNS fractional', { COLUMNS: '80.5' }, PIPE, PIPED_WIDTH],
  ])('%s → %i', (_, env, stream, width) => {
    expect(detectTerminal(env, stream).width).toBe(width);
  });
});

describe('detectTerminal isTTY', () => {
  it.each<[TerminalStream, boolean]>([
    [TTY, true],
    [PIPE, false],
    [{ isTTY: false, columns: 80 }, false],
  ])('%j → %s', (stream, isTTY) => {
    expect(detectTerminal({}, stream)).toMatchObject({ isTTY });
  });
});
