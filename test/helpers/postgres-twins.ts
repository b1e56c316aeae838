/**
 * One CLI run on two ledgers: a fresh PostgreSQL database and a SQLite file, in the same sandbox (the
 * same Claude transcripts, config and project dirs). Each run picks its ledger by `TOKENLEDGER_DB`, so
 * hooks, the status line, `run` and `record` (which take no `--db` from Claude Code) find it too.
 * `same` runs a command on both and checks that both exit alike and print the same, once the ledger's
 * own name and what no test controls (timestamps, durations) are taken out.
 */
import { expect } from 'vitest';
import type { CliOptions, CliResult, Sandbox } from './cli.js';

/** The two ledgers a run can go to. */
export type Twin = 'pg' | 'sqlite';

export interface Twins {
  /** The PostgreSQL URL and the SQLite file. */
  readonly ledger: Readonly<Record<Twin, string>>;
  /** `tokenledger ARGS` on one ledger. */
  run(on: Twin, args: readonly string[], o?: CliOptions): CliResult;
  /** `tokenledger ARGS` on both, PostgreSQL first: both exit alike; their normalized stdouts. */
  both(
    args: readonly string[],
    o?: CliOptions,
  ): Record<Twin, string> & { status: number | null; stderr: string };
  /** `tokenledger ARGS` on both, which exit 0 and print the same once normalized: that output. */
  same(args: readonly string[], o?: CliOptions): string;
}

const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})/g;
const DURATION = /"(durationMs|durationApiMs|elapsedMs)":\s*\d+/g;

/** `out` without what differs between any two runs: the ledger's name, timestamps, durations. */
export function normalize(out: string, ledger: string): string {
  return out.split(ledger).join('<ledger>').replace(ISO_TIME, '<time>').replace(DURATION, '"$1": 0');
}

/**
 * Runs on the two ledgers of `cli`; `own` gives each twin variables of its own (e.g. its own Claude
 * dir), whose values are normalized away like the ledger's name.
 */
export function twins(
  cli: Sandbox,
  url: () => string,
  file: () => string,
  own: (on: Twin) => Record<string, string> = () => ({}),
): Twins {
  const ledgerOf = (on: Twin) => (on === 'pg' ? url() : file());
  const run = (on: Twin, args: readonly string[], o: CliOptions = {}) =>
    cli.run(args, { ...o, env: { TOKENLEDGER_DB: ledgerOf(on), ...own(on), ...o.env } });
  const clean = (out: string, on: Twin) =>
    Object.values(own(on)).reduce(
      (text, value) => text.split(value).join('<own>'),
      normalize(out, ledgerOf(on)),
    );
  const both = (args: readonly string[], o: CliOptions = {}) => {
    const pg = run('pg', args, o);
    const sqlite = run('sqlite', args, o);
    const what = args.join(' ');
    expect(pg.status, `${what} on PostgreSQL: ${pg.stderr}`).toBe(sqlite.status);
    expect(clean(pg.stderr, 'pg'), `${what}: stderr`).toBe(clean(sqlite.stderr, 'sqlite'));
    return {
      pg: clean(pg.stdout, 'pg'),
      sqlite: clean(sqlite.stdout, 'sqlite'),
      status: sqlite.status,
      stderr: sqlite.stderr,
    };
  };
  return {
    get ledger() {
      return { pg: url(), sqlite: file() };
    },
    run,
    both,
    same(args, o) {
      const out = both(args, o);
      expect(out.status, `${args.join(' ')}: ${out.stderr}`).toBe(0);
      expect(out.pg, args.join(' ')).toBe(out.sqlite);
      return out.pg;
    },
  };
}
