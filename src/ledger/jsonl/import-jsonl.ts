/**
 * `import-jsonl`: rebuilds (or adds to) a ledger from a folder a JSONL export wrote. Every `*.jsonl`
 * under it is read in any order, each line checked (a bad one is reported as `file:line: reason` and
 * skipped), the versions of each record resolved (`record-versions.ts`), and only what changes the
 * ledger is written: importing the same folder again writes nothing. Declared tasks are declared
 * again through the store, which re-derives their usage.
 * @module
 */
import type {
  BudgetLedgerRecord,
  BudgetWarningLedgerRecord,
  DeclaredTaskLedgerRecord,
  ImportableRecord,
  LedgerRecord,
} from '../ledger-records.js';
import { canonicalJson, recordKey, taskKey, usageKey } from '../record-identity.js';
import type { LedgerStore } from '../store.js';
import { type JsonlProblem, readJsonlDir } from './jsonl-files.js';
import { importTarget } from './record-versions.js';

export interface ImportJsonlSummary {
  dir: string;
  files: number;
  /** Non-empty lines read. */
  lines: number;
  /** Distinct records the valid lines hold. */
  records: number;
  /** Records that changed the ledger (new, or a newer version). */
  merged: number;
  /**
   * Records the ledger already held as the folder says (or that would change nothing: warnings of an
   * earlier definition of their budget, the "no tool" activity of a call with tool uses).
   */
  unchanged: number;
  /** Records skipped because the user forgot them (`tokenledger forget`), or the task they belong to. */
  forgotten: number;
  problems: JsonlProblem[];
}

export const IMPORT_HINT =
  'Pass the folder `tokenledger export --jsonl DIR` wrote, e.g. tokenledger import-jsonl .tokenledger/ledger';

export async function importJsonl(store: LedgerStore, dir: string): Promise<ImportJsonlSummary> {
  const contents = readJsonlDir(dir, IMPORT_HINT);
  const current = new Map<string, LedgerRecord>();
  if (contents.histories.size > 0) {
    for (const { record } of await store.exportRecords({})) current.set(recordKey(record), record);
  }
  const resolved: LedgerRecord[] = [];
  const targets: LedgerRecord[] = [];
  for (const key of contents.histories.keys()) {
    const history = contents.histories.get(key);
    if (history === undefined) continue;
    resolved.push(history.state);
    const target = importTarget(current.get(key), history);
    if (target !== null) targets.push(target);
  }
  const { kept, skipped } = await withoutForgotten(store, withoutMoot(targets, current, resolved));
  const writes: ImportableRecord[] = [];
  const declared: DeclaredTaskLedgerRecord[] = [];
  for (const target of kept) {
    if (target.type === 'declared_task') declared.push(target);
    else writes.push(target);
  }
  if (writes.length > 0) await store.importRecords(writes);
  // After the usage: whether captured usage is attributed to a declared task decides what counts.
  for (const d of declared) {
    await store.declareTask(
      {
        taskId: d.taskId,
        ts: d.ts,
        declaredAt: d.declaredAt,
        summary: d.summary,
        mode: d.mode,
        project: d.project,
        receivedAt: d.receivedAt,
        missing: d.missing,
        entries: d.entries,
      },
      { machine: d.machine, user: d.user },
    );
  }
  const merged = writes.length + declared.length;
  return {
    dir,
    files: contents.files.length,
    lines: contents.lines,
    records: contents.histories.size,
    merged,
    unchanged: contents.histories.size - merged - skipped,
    forgotten: skipped,
    problems: contents.problems,
  };
}

/** What a budget counts and allows, as one text. */
function definitionOf(b: BudgetLedgerRecord | BudgetWarningLedgerRecord): string {
  const period = b.type === 'budget' ? b.period : b.budgetPeriod;
  return canonicalJson([
    b.type === 'budget' ? b.name : b.budget,
    b.unit,
    b.limit,
    period,
    b.scopeKind,
    b.scopeValue,
  ]);
}

/**
 * The targets minus those that would change nothing: the "no tool" activity of a call that has tool
 * uses (in the ledger or the folder: the ledger keeps only those), and the warnings of a budget whose
 * definition the ledger will not have (a warning of an earlier limit, or of a budget it lacks).
 */
function withoutMoot(
  targets: readonly LedgerRecord[],
  current: ReadonlyMap<string, LedgerRecord>,
  resolved: readonly LedgerRecord[],
): LedgerRecord[] {
  if (!targets.some((t) => (t.type === 'activity' && t.toolUseId === '') || t.type === 'budget_warning'))
    return [...targets];
  const withTools = new Set<string>();
  const budgets = new Map<string, string>();
  for (const r of [...current.values(), ...resolved])
    if (r.type === 'activity' && r.toolUseId !== '') withTools.add(r.dedupKey);
  for (const r of [...current.values(), ...targets])
    if (r.type === 'budget') budgets.set(r.name, definitionOf(r));
  return targets.filter((t) => {
    if (t.type === 'activity') return t.toolUseId !== '' || !withTools.has(t.dedupKey);
    if (t.type === 'budget_warning') return budgets.get(t.budget) === definitionOf(t);
    return true;
  });
}

/** The task a record belongs to, if any. */
function taskOf(r: LedgerRecord): string | null {
  switch (r.type) {
    case 'usage':
    case 'spawn':
    case 'span':
    case 'run':
    case 'declared_task':
      return r.taskId;
    case 'task':
      return r.id;
    default:
      return null;
  }
}

/**
 * The records minus what the user forgot: forgotten records, and the spans, runs and declarations of
 * a forgotten task, are skipped; usage and spawns of a forgotten task come without it.
 */
async function withoutForgotten(
  store: LedgerStore,
  records: readonly LedgerRecord[],
): Promise<{ kept: LedgerRecord[]; skipped: number }> {
  if (records.length === 0) return { kept: [], skipped: 0 };
  const keys = new Set<string>();
  for (const r of records) {
    keys.add(recordKey(r));
    if (r.type === 'activity') keys.add(usageKey(r.dedupKey));
    const task = taskOf(r);
    if (task !== null) keys.add(taskKey(task));
  }
  const forgotten = await store.forgottenKeys([...keys]);
  if (forgotten.size === 0) return { kept: [...records], skipped: 0 };
  const kept: LedgerRecord[] = [];
  for (const r of records) {
    const task = taskOf(r);
    const taskForgotten = task !== null && forgotten.has(taskKey(task));
    if (forgotten.has(recordKey(r))) continue;
    // The activity of a forgotten API call goes with it.
    if (r.type === 'activity' && forgotten.has(usageKey(r.dedupKey))) continue;
    if (r.type === 'usage' || r.type === 'spawn') kept.push(taskForgotten ? { ...r, taskId: null } : r);
    else if (!taskForgotten) kept.push(r);
  }
  return { kept, skipped: records.length - kept.length };
}
