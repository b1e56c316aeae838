/**
 * Phase timings on stderr, for finding where a command's time goes: with `TOKENLEDGER_TIMING=1`, each
 * call prints the time since the process started and since the previous mark, e.g.
 * `tokenledger: timing   61.2 ms  +22.8 ms  discovery (3370 files)`. Off, a mark costs one test.
 * @module
 */

const enabled = process.env.TOKENLEDGER_TIMING === '1';
let last = 0;

/** Marks the end of a phase named `label` (printed only with TOKENLEDGER_TIMING=1). */
export function timing(label: string): void {
  if (!enabled) return;
  const now = performance.now();
  process.stderr.write(
    `tokenledger: timing ${now.toFixed(1).padStart(7)} ms  +${(now - last).toFixed(1).padStart(5)} ms  ${label}\n`,
  );
  last = now;
}
