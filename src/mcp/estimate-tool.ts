/**
 * MCP tool `estimate`: what similar finished tasks used (p50/p80 per task) and the actual ÷ estimate
 * multiplier, the result `tokenledger estimate --json` prints, from the same code
 * (app/usage-estimates.ts).
 * @module
 */
import { z } from 'zod';
import type { LedgerSession } from '../app/ledger-session.js';
import { type EstimateResult, estimateUsage } from '../app/usage-estimates.js';
import { checkName, parseLabels } from '../capture/context/attribution-context.js';

export const ESTIMATE_DESCRIPTION =
  'Calibrated estimates from finished tasks: for tasks with the given labels and stage, the p50 and p80 per task of tokens and dollars, and the median of actual ÷ estimate (multiply a hand-made estimate by it), optionally per label value or stage. Imports new Claude Code transcripts first. Returns the JSON of `tokenledger estimate --json`.';

export const estimateInput = {
  labels: z
    .array(z.string())
    .optional()
    .describe('Similar tasks have these labels: ["category=tooling", …].'),
  stage: z.string().optional().describe('Similar tasks have this stage.'),
  by: z.string().optional().describe('One category per value of label:KEY, or per stage.'),
};

export interface EstimateArgs {
  labels?: string[] | undefined;
  stage?: string | undefined;
  by?: string | undefined;
}

export function estimateTool(session: LedgerSession, args: EstimateArgs): Promise<EstimateResult> {
  return estimateUsage(session, {
    labels: parseLabels(args.labels ?? [], 'labels'),
    stage: args.stage === undefined ? undefined : checkName(args.stage, 'stage'),
    by: args.by,
  });
}
