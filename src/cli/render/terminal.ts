/**
 * What the output terminal can show: its width in columns and whether to use colour.
 * Takes the environment and the stream as parameters so every rule can be tested.
 * @module
 */

/** Width assumed when output is piped and `COLUMNS` does not say otherwise. */
export const PIPED_WIDTH = 120;

/** The parts of an output stream that {@link detectTerminal} reads (`process.stdout` fits). */
export interface TerminalStream {
  isTTY?: boolean;
  columns?: number;
}

export interface TerminalInfo {
  /** Columns available for a line. */
  width: number;
  /** Whether ANSI colours may be written. */
  color: boolean;
  /** Whether the stream is an interactive terminal. */
  isTTY: boolean;
}

function isSet(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

function positiveInt(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  const n = Number(value);
  return n > 0 ? n : undefined;
}

function detectColor(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (isSet(env.NO_COLOR)) return false;
  if (isSet(env.FORCE_COLOR)) return env.FORCE_COLOR !== '0';
  if (env.TERM === 'dumb') return false;
  return isTTY;
}

/**
 * Reads the terminal's width and colour support.
 *
 * - width: `stream.columns` on a TTY, else a numeric `COLUMNS`, else {@link PIPED_WIDTH}.
 * - colour, first rule that applies wins: `colorOverride` (from `--color`/`--no-color`); `NO_COLOR`
 *   non-empty → off; `FORCE_COLOR` non-empty → on, except `FORCE_COLOR=0` → off; `TERM=dumb` → off;
 *   otherwise on exactly when the stream is a TTY.
 */
export function detectTerminal(
  env: NodeJS.ProcessEnv = process.env,
  stream: TerminalStream = process.stdout,
  colorOverride?: boolean,
): TerminalInfo {
  const isTTY = stream.isTTY === true;
  const ttyColumns = isTTY && stream.columns !== undefined && stream.columns > 0 ? stream.columns : undefined;
  const width = ttyColumns ?? positiveInt(env.COLUMNS) ?? PIPED_WIDTH;
  const color = colorOverride ?? detectColor(env, isTTY);
  return { width, color, isTTY };
}
