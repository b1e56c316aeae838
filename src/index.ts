/**
 * tokenledger as a library (`import { … } from 'tokenledger'`), for orchestrators that run Claude
 * Code themselves: the stream parser, the run helper (with optional recording in the ledger), the
 * plan tracker, state-file helpers, log footers, and the usage-tracker telemetry contract
 * (`recordUsage`). The same engine as the CLI. Importing it has no side effects: nothing is read,
 * written or started until a function is called, and the ledger (SQLite) is loaded only when a run
 * is recorded. See docs/API.md.
 * @module
 */
export * from './api/index.js';
export * from './orchestrator/index.js';
