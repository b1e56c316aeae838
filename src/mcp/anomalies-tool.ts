/**
 * MCP tool `anomalies`: usage far above its robust baseline and leak patterns, with evidence — the
 * result `tokenledger anomalies --json` prints, from the same app function.
 * @module
 */
import { z } from 'zod';
import { type AnomaliesReport, anomaliesReport } from '../app/anomalies.js';
import type { LedgerSession } from '../app/ledger-session.js';
import { given } from './scope.js';

export const ANOMALIES_DESCRIPTION =
  'Anomalies and token leaks with their evidence: tasks, stages of a task, sessions and days far above their robust baseline (median and MAD, grouped by label, stage or model; tasks scaled by their token estimate), runaway turn counts, context that grows call over call with few cache reads, a cache that keeps expiring (the same large cache write again and again), and files read again and again (within a task and across tasks, against how often files are read per task). Each flag names its records (dedup keys, times, token counts), sessions and tasks, its baseline (median, MAD, n, grouping) and how far off it is (ratio, robust score, tokens over). Imports new Claude Code transcripts first. Returns the JSON of `tokenledger anomalies --json`.';

export const anomaliesInput = {
  since: z.string().optional().describe('First day to flag, YYYY-MM-DD (local time).'),
  until: z.string().optional().describe('Last day to flag, YYYY-MM-DD (default today).'),
  days: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .optional()
    .describe('Flag the last N days, today included (default 7; ignored with since).'),
  baseline_days: z
    .number()
    .int()
    .min(0)
    .max(3650)
    .optional()
    .describe('Days before those that the baselines also draw on (default 28).'),
  timezone: z
    .string()
    .optional()
    .describe('IANA time zone of the days (default: the config\'s "timezone", else the system zone).'),
  project: z.string().optional().describe('Only usage of this project directory (or inside it).'),
  task: z.string().optional().describe('Only flags about this task: its own, its stages, its sessions.'),
  min_score: z.number().positive().optional().describe('Robust score a value must reach (default 3.5).'),
  min_ratio: z
    .number()
    .positive()
    .optional()
    .describe('Multiple of the baseline median a value must reach (default 2).'),
};

export interface AnomaliesArgs {
  since?: string | undefined;
  until?: string | undefined;
  days?: number | undefined;
  baseline_days?: number | undefined;
  timezone?: string | undefined;
  project?: string | undefined;
  task?: string | undefined;
  min_score?: number | undefined;
  min_ratio?: number | undefined;
}

export function anomaliesTool(session: LedgerSession, args: AnomaliesArgs): Promise<AnomaliesReport> {
  return anomaliesReport(session, {
    since: given(args.since),
    until: given(args.until),
    days: args.days,
    baselineDays: args.baseline_days,
    timezone: given(args.timezone),
    projectDir: given(args.project),
    task: given(args.task),
    thresholds: {
      ...(args.min_score === undefined ? {} : { minScore: args.min_score }),
      ...(args.min_ratio === undefined ? {} : { minRatio: args.min_ratio }),
    },
  });
}
