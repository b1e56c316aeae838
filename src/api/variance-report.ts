/**
 * The library's `varianceReport`: estimated against actual usage of the tasks with an estimate, per
 * task and per group, with the forecast accuracy: what `tokenledger variance --json` prints.
 * @module
 */
import type { VarianceJson } from '../app/variance-report.js';
import { checkedOptions, type LedgerOptions, stringOption, withLedger } from './ledger-options.js';

/** Options of {@link varianceReport}: the flags of `tokenledger variance`. */
export interface VarianceReportOptions extends LedgerOptions {
  /** Group the tasks by a label's value (`label:KEY`) or by their parent (`parent`); one group by default. */
  by?: string;
}

/** What `tokenledger variance --json` prints, for the same options. */
export async function varianceReport(options?: VarianceReportOptions): Promise<VarianceJson> {
  const o = checkedOptions(options, 'varianceReport');
  const { checkVarianceBy, varianceReport: report } = await import('../app/variance-report.js');
  const by = checkVarianceBy(stringOption(o.by, 'by'), 'by');
  return withLedger(o, async (session) => (await report(session, by)).json());
}
