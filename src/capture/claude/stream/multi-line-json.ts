/**
 * Collects a JSON value printed over several lines (a pretty-printed `--output-format json` result)
 * until its brackets balance. JSON strings cannot contain raw newlines, so brackets are counted per
 * line, skipping those inside strings.
 * @module
 */

/** Longest multi-line value collected, in characters; past it the lines are given up on. */
export const MAX_MULTI_LINE_CHARS = 64 * 2 ** 20;

/**
 * Bracket depth after `line`, starting from `depth`; -1 when a bracket closes that was never
 * opened (the text is not part of a JSON value).
 */
export function bracketDepth(line: string, depth: number): number {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) depth++;
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
      if (depth < 0) return -1;
    }
  }
  return depth;
}

/** Lines collected for a value, with their line numbers. */
export interface CollectedLines {
  lines: string[];
  lineNos: number[];
}

/** What {@link MultiLineJson.add} made of a line. */
export type MultiLineStep =
  | { kind: 'open' }
  /** The brackets balance: `text` is the value's text (it may still fail to parse). */
  | ({ kind: 'complete'; text: string } & CollectedLines)
  /** A bracket closed that was never opened, or the value grew too long. */
  | ({ kind: 'broken' } & CollectedLines);

/** One multi-line JSON value being collected. */
export class MultiLineJson {
  private lines: string[] = [];
  private lineNos: number[] = [];
  private depth = 0;
  private chars = 0;

  /** A value is being collected. */
  get active(): boolean {
    return this.lines.length > 0;
  }

  /** Starts collecting at `line` if it opens more brackets than it closes; false otherwise. */
  start(line: string, lineNo: number): boolean {
    const depth = bracketDepth(line, 0);
    if (depth <= 0) return false;
    this.lines = [line];
    this.lineNos = [lineNo];
    this.depth = depth;
    this.chars = line.length;
    return true;
  }

  /** Adds the next line; the value is complete when its brackets balance. */
  add(line: string, lineNo: number): MultiLineStep {
    this.lines.push(line);
    this.lineNos.push(lineNo);
    this.chars += line.length + 1;
    this.depth = bracketDepth(line, this.depth);
    if (this.depth > 0 && this.chars <= MAX_MULTI_LINE_CHARS) return { kind: 'open' };
    const broken = this.depth < 0 || this.chars > MAX_MULTI_LINE_CHARS;
    const taken = this.take();
    return broken
      ? { kind: 'broken', ...taken }
      : { kind: 'complete', text: taken.lines.join('\n'), ...taken };
  }

  /** Stops collecting and returns the lines collected so far. */
  take(): CollectedLines {
    const taken = { lines: this.lines, lineNos: this.lineNos };
    this.lines = [];
    this.lineNos = [];
    return taken;
  }
}
