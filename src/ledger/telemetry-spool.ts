/**
 * The telemetry spool: where a declaration waits when the ledger is locked or failing, so that
 * recording never blocks (seed 000 9.1) and nothing is lost. One entry per call in
 * `<ledger file>.spool/`; the next call that reaches the ledger applies them in order and deletes
 * them (see util/spool.ts for how two processes never apply one at once). Applying a declaration
 * twice is harmless: declarations merge idempotently.
 * @module
 */

import type { TelemetryRequest } from '../capture/telemetry/telemetry-request.js';
import type { LedgerLocation } from '../config/ledger-location.js';
import { Spool } from '../util/spool.js';

export interface SpoolItem {
  version: 1;
  receivedAt: number;
  project: string | null;
  /** Why it was spooled (the ledger's error), for the error log once it is applied. */
  reason: string;
  request: TelemetryRequest;
}

function isSpoolItem(value: unknown): value is SpoolItem {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.version === 1 &&
    typeof v.receivedAt === 'number' &&
    typeof v.reason === 'string' &&
    typeof v.request === 'object' &&
    v.request !== null
  );
}

/**
 * The spool of the ledger at `location`: `<ledger file>.spool/`. A ledger named by a URL has none
 * (null): its requests cannot wait beside it.
 */
export function telemetrySpool(location: LedgerLocation): Spool<SpoolItem> | null {
  if (location.kind !== 'file') return null;
  return new Spool(`${location.path}.spool`, {
    prefix: '',
    stamp: (item) => String(item.receivedAt).padStart(15, '0'),
    isEntry: isSpoolItem,
    // A claim older than this belongs to a process that died.
    staleClaimMs: 10 * 60_000,
  });
}
