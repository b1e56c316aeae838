/**
 * MCP tool `compare`: an A/B verdict on two cohorts of finished tasks, the result
 * `tokenledger compare --json` prints, from the same code (app/compare-cohorts.ts).
 * @module
 */
import { z } from 'zod';
import { COHORT_KEYS } from '../analysis/cohort-filter.js';
import { type CompareResult, compareTasks } from '../app/compare-cohorts.js';
import type { LedgerSession } from '../app/ledger-session.js';

export const COMPARE_DESCRIPTION =
  'A/B comparison of two cohorts of finished tasks (e.g. a = "label:workflow=v1", b = "label:workflow=v2"): per-task medians of cost, tokens, API calls and duration, the change of B against A with a seeded 95% bootstrap interval, and a plain verdict such as "B costs 38% less per task (95% CI 22–51%, n=41/37)", or no verdict with how many more tasks would be needed. Imports new Claude Code transcripts first. Returns the JSON of `tokenledger compare --json`.';

const filter = (which: string) =>
  z
    .string()
    .describe(
      `Cohort ${which}: "all", or comma-separated parts, each one of ${COHORT_KEYS.join(', ')}. Parts with the same key are alternatives; different keys must all match.`,
    );

export const compareInput = {
  a: filter('A'),
  b: filter('B'),
  seed: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Seed of the bootstrap (default 1): the same seed gives the same intervals.'),
  resamples: z
    .number()
    .int()
    .min(100)
    .max(100_000)
    .optional()
    .describe('Bootstrap resamples (default 2000).'),
  timezone: z
    .string()
    .optional()
    .describe('IANA time zone of since:/until: days (default: the config, else the system zone).'),
};

export interface CompareArgs {
  a: string;
  b: string;
  seed?: number | undefined;
  resamples?: number | undefined;
  timezone?: string | undefined;
}

export function compareTool(session: LedgerSession, args: CompareArgs): Promise<CompareResult> {
  return compareTasks(session, args);
}
