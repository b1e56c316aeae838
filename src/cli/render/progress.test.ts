import { describe, expect, it } from 'vitest';
import { displayWidth, stripAnsi } from './display-width.js';
import { createProgress, PROGRESS_INTERVAL_MS, type ProgressStream, progressLine } from './progress.js';

const MB = 1_000_000;

function fakeStream(isTTY: boolean | undefined, columns = 100) {
  const writes: string[] = [];
  const stream: ProgressStream = {
    isTTY,
    columns,
    write(chunk: string) {
      writes.push(chunk);
      return true;
    },
  };
  return { stream, writes };
}

function fakeClock() {
  const clock = { t: 1_000, now: () => clock.t };
  return clock;
}

describe('createProgress when it must stay silent', () => {
  it.each([
    ['disabled on a TTY', false, true],
    ['enabled but piped', true, false],
    ['enabled, isTTY unknown', true, undefined],
  ])('%s writes nothing', (_, enabled, isTTY) => {
    const { stream, writes } = fakeStream(isTTY);
    const progress = createProgress({ stream, enabled, label: 'importing' });
    progress.update(10 * MB, 100 * MB, 'a.jsonl');
    progress.update(100 * MB, 100 * MB);
    progress.finish('imported 3 files');
    expect(writes).toEqual([]);
  });
});

describe('createProgress with a real stream', () => {
  it('accepts process.stderr and stays silent when disabled', () => {
    const progress = createProgress({ stream: process.stderr, enabled: false, label: 'importing' });
    expect([progress.update(1, 2), progress.finish()]).toEqual([undefined, undefined]);
  });
});

describe('createProgress throttling', () => {
  it.each<[string, number[], number]>([
    ['first update always draws', [0], 1],
    ['updates inside the interval are skipped', [0, 10, 50, 99], 1],
    ['one draw per interval', [0, 50, 100, 150, 200, 250, 300], 4],
    ['a steady 1 ms stream for one second', Array.from({ length: 1000 }, (_, i) => i), 10],
  ])('%s', (_, offsets, draws) => {
    const { stream, writes } = fakeStream(true);
    const clock = fakeClock();
    const progress = createProgress({ stream, enabled: true, label: 'importing', now: clock.now });
    for (const [i, offset] of offsets.entries()) {
      clock.t = 1_000 + offset;
      progress.update(i, 10_000);
    }
    expect(writes).toHaveLength(draws);
  });

  it('always draws the completed state, even inside the interval', () => {
    const { stream, writes } = fakeStream(true);
    const clock = fakeClock();
    const progress = createProgress({ stream, enabled: true, label: 'importing', now: clock.now });
    progress.update(10 * MB, 20 * MB);
    clock.t += PROGRESS_INTERVAL_MS / 2;
    progress.update(20 * MB, 20 * MB);
    expect(writes.map((w) => stripAnsi(w).includes('100%'))).toEqual([false, true]);
  });
});

describe('createProgress drawing', () => {
  it('redraws in place on one line that fits the stream', () => {
    const { stream, writes } = fakeStream(true, 60);
    const clock = fakeClock();
    const progress = createProgress({ stream, enabled: true, label: 'importing', now: clock.now });
    for (const step of [1, 2, 3]) {
      clock.t += 1_000;
      progress.update(step * 10 * MB, 40 * MB, `~/.claude/projects/some-long-project/session-${step}.jsonl`);
    }
    expect(writes.map((w) => [w.startsWith('\r'), w.includes('\n'), displayWidth(w) <= 59])).toEqual([
      [true, false, true],
      [true, false, true],
      [true, false, true],
    ]);
  });

  it('finish() erases the bar, then prints the message; later calls do nothing', () => {
    const { stream, writes } = fakeStream(true);
    const clock = fakeClock();
    const progress = createProgress({ stream, enabled: true, label: 'importing', now: clock.now });
    progress.update(1 * MB, 2 * MB);
    progress.finish('imported 2 files');
    progress.update(2 * MB, 2 * MB);
    progress.finish('again');
    expect(writes.slice(1)).toEqual(['\r\u001b[2K', 'imported 2 files\n']);
  });

  it('finish() with nothing drawn writes only the message', () => {
    const { stream, writes } = fakeStream(true);
    createProgress({ stream, enabled: true, label: 'importing' }).finish('nothing to import');
    expect(writes).toEqual(['nothing to import\n']);
  });
});

describe('progressLine', () => {
  it.each<[string, number, number, number, number, string | undefined, string]>([
    [
      'wide, with detail',
      120,
      12.5 * MB,
      50 * MB,
      2_500,
      '~/.claude/projects/app/s1.jsonl',
      'importing ███████░░░░░░░░░░░░░░░░░░░░░░░  25%  12.5/50.0 MB  5.0 MB/s  ETA 8s  ~/.claude/projects/app/s1.jsonl',
    ],
    [
      'detail cut from the start',
      90,
      12.5 * MB,
      50 * MB,
      2_500,
      '~/.claude/projects/app/s1.jsonl',
      'importing ███████░░░░░░░░░░░░░░░░░░░░░░░  25%  12.5/50.0 MB  5.0 MB/s  ETA 8s  …p/s1.jsonl',
    ],
    [
      'bar shrinks',
      70,
      45 * MB,
      50 * MB,
      90_000,
      undefined,
      'importing ███████████████████░░░  90%  45.0/50.0 MB  0.5 MB/s  ETA 10s',
    ],
    ['no room for a bar', 50, 0, 50 * MB, 0, 'x', 'importing   0%  0.0/50.0 MB  -- MB/s  ETA --'],
    ['too narrow: cut', 30, 0, 50 * MB, 0, undefined, 'importing   0%  0.0/50.0 MB  …'],
    [
      'minutes of ETA',
      80,
      1 * MB,
      400 * MB,
      1_000,
      undefined,
      'importing ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░   0%  1.0/400.0 MB  1.0 MB/s  ETA 6m39s',
    ],
    ['total 0', 60, 0, 0, 1_000, undefined, 'importing ░░░░░░░░░░░░░░░░   0%  0.0/0.0 MB  -- MB/s  ETA --'],
  ])('%s', (_, width, done, total, elapsed, detail, expected) => {
    expect(progressLine('importing', done, total, elapsed, width, detail)).toBe(expected);
  });
});
