/**
 * Recovery for a line that is not one JSON value: real transcripts sometimes hold two objects on one
 * line (`{...}{...}`), or an object followed by a truncated one. This splits the text at top-level
 * object boundaries, honouring strings and escapes, so every complete object can still be used.
 * @module
 */

export interface SplitPiece {
  /** The piece's text. */
  text: string;
  /** Parsed value, or undefined when the piece is not valid JSON (e.g. truncated). */
  value: unknown;
}

/** Splits `text` into its top-level `{...}` pieces. Returns null when there is at most one piece. */
export function splitConcatenatedObjects(text: string): SplitPiece[] | null {
  const pieces: SplitPiece[] = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (depth === 0) start = i;
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0 && start >= 0) {
        pieces.push(parsePiece(text.slice(start, i + 1)));
        start = -1;
      } else if (depth < 0) depth = 0;
    }
  }
  if (depth > 0 && start >= 0) pieces.push(parsePiece(text.slice(start)));
  return pieces.length > 1 ? pieces : null;
}

function parsePiece(text: string): SplitPiece {
  try {
    return { text, value: JSON.parse(text) as unknown };
  } catch {
    return { text, value: undefined };
  }
}
