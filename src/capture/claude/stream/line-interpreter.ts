/**
 * What the complete lines of a `claude -p` output mean, one after another: events handed to the
 * {@link RunAccumulator}, JSON values spread over several lines (`--output-format json` pretty-printed),
 * and the problems worth reporting. {@link ClaudeStreamParser} splits the chunks into lines.
 * @module
 */
import { classifyLine, guessEventType } from './classify-line.js';
import { isJsonObject } from './json-fields.js';
import { type CollectedLines, MultiLineJson } from './multi-line-json.js';
import { RunAccumulator } from './run-accumulator.js';
import type { ClaudeRunResult } from './types.js';

/** Whether a line's first non-blank character could open a JSON value. */
const opensJson = (trimmed: string): boolean => trimmed.startsWith('{') || trimmed.startsWith('[');

export class LineInterpreter {
  private readonly acc = new RunAccumulator();
  private readonly multi = new MultiLineJson();
  private lineNo = 0;

  /** A multi-line value is being collected: every line must be read as text. */
  get collecting(): boolean {
    return this.multi.active;
  }

  /** A line longer than `maxLineChars`, skipped. */
  overlong(maxLineChars: number): void {
    this.lineNo++;
    this.acc.countLine();
    this.acc.problem(`line ${this.lineNo} is longer than ${maxLineChars} characters: skipped`);
  }

  /** A line recognized from its bytes as an event that is skipped anyway (never decoded). */
  skippedEvent(): void {
    this.lineNo++;
    this.acc.countLine();
    this.acc.countSkippedEvent();
  }

  /** A complete line (without its newline; a trailing CR is dropped here). */
  line(raw: string): void {
    this.lineNo++;
    const line = raw.charCodeAt(raw.length - 1) === 0x0d ? raw.slice(0, -1) : raw;
    if (this.multi.active) this.multiLine(line, this.lineNo);
    else this.singleLine(line, this.lineNo, true);
  }

  /** A line on its own; `mayOpen`: it may start a multi-line value. */
  private singleLine(line: string, lineNo: number, mayOpen: boolean): void {
    switch (classifyLine(line)) {
      case 'skip-event':
        this.acc.countLine();
        this.acc.countSkippedEvent();
        return;
      case 'skip-other':
        this.acc.countLine();
        return;
      case 'message':
        this.acc.countLine();
        this.acc.deferMessage(line, lineNo);
        return;
      case 'init':
        this.acc.countLine();
        this.acc.deferInit(line, lineNo);
        return;
      case 'parse':
        break;
    }
    const trimmed = line.trim();
    if (trimmed.length === 0) return;
    this.acc.countLine();
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      if (!(mayOpen && opensJson(trimmed) && this.multi.start(trimmed, lineNo)))
        this.acc.nonJsonLine(line, lineNo);
      return;
    }
    this.acc.value(value, line, lineNo);
  }

  /** A line while a multi-line value is being collected. */
  private multiLine(line: string, lineNo: number): void {
    const trimmed = line.trim();
    if (trimmed.length === 0) return;
    // A whole object on one line means the collected lines were not the start of a value after all
    // (pretty-printed JSON puts each key of a non-empty object on its own line).
    if (isOneLineObject(trimmed)) {
      this.abandon(this.multi.take());
      this.singleLine(line, lineNo, true);
      return;
    }
    this.acc.countLine();
    const step = this.multi.add(trimmed, lineNo);
    if (step.kind === 'open') return;
    if (step.kind === 'complete') {
      let value: unknown;
      try {
        value = JSON.parse(step.text);
      } catch {
        this.abandon(step);
        return;
      }
      this.acc.value(value, step.lines[0] ?? '', step.lineNos[0] ?? lineNo);
      return;
    }
    this.abandon(step);
  }

  /**
   * Collected lines that did not make a value: the first (which opened it) is not JSON; the others
   * are read again one by one, without opening another value (so this stays linear).
   */
  private abandon({ lines, lineNos }: CollectedLines): void {
    this.acc.nonJsonLine(lines[0] ?? '', lineNos[0] ?? 0);
    for (let i = 1; i < lines.length; i++) {
      this.acc.uncountLine();
      this.singleLine(lines[i] ?? '', lineNos[i] ?? 0, false);
    }
  }

  /** The output's last line, which has no newline. */
  lastLine(raw: string): void {
    if (this.multi.active) {
      this.line(raw);
      return;
    }
    this.lineNo++;
    const trimmed = raw.trim();
    if (trimmed.length === 0) return;
    this.acc.countLine();
    try {
      this.acc.value(JSON.parse(trimmed), raw, this.lineNo);
      return;
    } catch {
      // cut off, or not JSON
    }
    if (!opensJson(trimmed)) {
      this.acc.nonJsonLine(raw, this.lineNo);
      return;
    }
    const type = guessEventType(trimmed);
    this.acc.problem(
      `output ended mid-line: line ${this.lineNo} (${trimmed.length} characters${type === null ? '' : `, a "${type}" event`}) is incomplete and was ignored`,
    );
  }

  /** The output ended: reports a value left open, and returns what the run spent. */
  finish(): ClaudeRunResult {
    if (this.multi.active) {
      const open = this.multi.take();
      this.acc.problem(
        `output ended inside a JSON value that starts at line ${open.lineNos[0]} (${open.lines.length} line(s))`,
      );
      this.abandon(open);
    }
    return this.acc.finish();
  }
}

/** A non-empty JSON object written on one line. */
function isOneLineObject(trimmed: string): boolean {
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}') || trimmed === '{}') return false;
  try {
    return isJsonObject(JSON.parse(trimmed));
  } catch {
    return false;
  }
}
