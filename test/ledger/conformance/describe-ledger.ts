/**
 * One conformance suite for every ledger backend, as kysely runs one suite over every dialect: a
 * backend's test file calls {@link describeLedger} with a function that opens a fresh, empty ledger,
 * and every rule that decides numbers (max-merge of usage fields, rollup upkeep, attribution
 * precedence, captured usage over declared telemetry, forget) and every repository is checked
 * through the `LedgerStore` contract only: inputs are built from the public types, never raw SQL.
 *
 * A backend that needs a server registers itself gated, e.g. `test/ledger/conformance/postgres.test.ts`:
 *
 * ```ts
 * const enabled = process.env.TOKENLEDGER_TEST_PG === '1' || process.env.CI !== undefined;
 * describeLedger('PostgreSQL', openFreshPostgresLedger, {
 *   skip: enabled ? undefined : 'needs PostgreSQL on 127.0.0.1:5432: set TOKENLEDGER_TEST_PG=1',
 * });
 * ```
 * @module
 */
import { describe } from 'vitest';
import type { LedgerStore } from '../../../src/ledger/store.js';
import { attributionContract } from './attribution.contract.js';
import { blocksContract } from './blocks.contract.js';
import { budgetsContract } from './budgets.contract.js';
import { callActivityContract } from './call-activity.contract.js';
import { callDriverContract } from './call-driver.contract.js';
import { ingestStateContract } from './ingest-state.contract.js';
import { metaClaimsContract } from './meta-claims.contract.js';
import { recentResponseTimesContract } from './recent-response-times.contract.js';
import { recordsContract } from './records.contract.js';
import { requestSeriesContract } from './request-series.contract.js';
import { reviewProposalsContract } from './review-proposals.contract.js';
import { rollupContract } from './rollup.contract.js';
import { sessionRollupContract } from './session-rollup.contract.js';
import { tasksContract } from './tasks.contract.js';
import { telemetryContract } from './telemetry.contract.js';
import { usageContract } from './usage.contract.js';
import { usageTotalsContract } from './usage-totals.contract.js';

/** A fresh, empty ledger of the backend under test. */
export interface OpenedLedger {
  store: LedgerStore;
  /** Opens another connection to the same ledger, as another process would (closed by `cleanup`). */
  reopen?: () => Promise<LedgerStore>;
  /** Closes every connection and removes the ledger. */
  cleanup: () => Promise<void>;
}

/** Opens a fresh, empty ledger: called once per test (and per run of a property). */
export type OpenLedger = () => Promise<OpenedLedger>;

export interface DescribeLedgerOptions {
  /** Why the backend cannot run here (e.g. no server): the suite is listed as skipped with this reason. */
  skip?: string | undefined;
}

/** Registers the conformance suite for one backend. */
export function describeLedger(name: string, open: OpenLedger, options: DescribeLedgerOptions = {}): void {
  const suite = () => {
    usageContract(open);
    rollupContract(open);
    ingestStateContract(open);
    tasksContract(open);
    attributionContract(open);
    telemetryContract(open);
    recordsContract(open);
    blocksContract(open);
    callActivityContract(open);
    callDriverContract(open);
    requestSeriesContract(open);
    usageTotalsContract(open);
    budgetsContract(open);
    reviewProposalsContract(open);
    metaClaimsContract(open);
    recentResponseTimesContract(open);
    sessionRollupContract(open);
  };
  if (options.skip !== undefined)
    describe.skip(`ledger conformance: ${name} (skipped: ${options.skip})`, suite);
  else describe(`ledger conformance: ${name}`, suite);
}
