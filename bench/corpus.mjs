// The benchmark corpus (a synthetic heavy-user history), shared by bench/run.mjs and bench/pg.mjs:
// generated once into .bench/corpus with a seeded generator, and used again while its parameters
// match and it is clean (run.mjs appends to it for the incremental measure, then restores it).
import fs from 'node:fs';
import path from 'node:path';
import { CORPUS, log, ROOT, WORK } from './common.mjs';

export const STAMP = path.join(WORK, 'corpus.json');

/** The generator's parameters: about 1.2 GiB in about 3,000 files, or a tenth of it with `quick`. */
export function corpusParams(quick) {
  return {
    version: 3,
    seed: 42,
    // about 1.2 GiB in about 3,000 files (the generator overshoots its target a little)
    targetBytes: quick ? 120 * 2 ** 20 : Math.round(1.06 * 2 ** 30),
    fileCount: quick ? 300 : 2800,
    endDate: '2026-11-20',
    days: 60,
    progressCopies: true,
    // ccusage 20.0.24 counts a fork's copy of a response without requestId once per file (see
    // BENCHMARKS.md), so forks stay out of the comparison corpus; our own fork handling has fixtures.
    forkCopies: false,
  };
}

/** The corpus in .bench/corpus for `params`, generated if missing, stale or dirty; its ground truth. */
export async function ensureCorpus(params) {
  const { generateHistory } = await import(path.join(ROOT, 'dist', 'synthetic', 'history-generator.js'));
  const want = JSON.stringify(params);
  if (fs.existsSync(STAMP)) {
    const stamp = JSON.parse(fs.readFileSync(STAMP, 'utf8'));
    if (JSON.stringify(stamp.params) === want && stamp.clean === true && fs.existsSync(CORPUS))
      return stamp.truth;
  }
  log(`generating the corpus in ${CORPUS} (${(params.targetBytes / 2 ** 30).toFixed(2)} GiB target) …`);
  fs.rmSync(CORPUS, { recursive: true, force: true });
  const t0 = performance.now();
  const truth = generateHistory({
    ...params,
    configDir: CORPUS,
    endDate: new Date(`${params.endDate}T00:00:00Z`),
  });
  log(
    `  ${truth.files} files, ${(truth.bytes / 2 ** 30).toFixed(2)} GiB, ${truth.lines} lines, ${truth.totals.responses} responses in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  fs.mkdirSync(WORK, { recursive: true });
  fs.writeFileSync(STAMP, JSON.stringify({ params, clean: true, truth }));
  return truth;
}
