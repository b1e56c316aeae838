/**
 * What one `recordUsage` call works with: the config, who records, the ledger, the `.token-usage/`
 * root and project, the call's time, and how long to wait for the ledger's lock.
 * @module
 */
import type { LoadedConfig } from '../config/config.js';
import type { LedgerLocation } from '../config/ledger-location.js';
import type { ImportOrigin } from '../ledger/usage-repository.js';

export interface RecordContext {
  loaded: LoadedConfig;
  origin: ImportOrigin;
  ledger: LedgerLocation;
  root: string;
  project: string;
  now: Date;
  busyTimeoutMs: number;
}
