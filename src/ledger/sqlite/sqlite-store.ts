/**
 * The embedded SQLite ledger (better-sqlite3, WAL). Many processes may write at once: each write is
 * one IMMEDIATE transaction, waits for the lock up to the busy timeout, and merges with the same
 * idempotent rule as the capture side, so concurrent imports converge on the same ledger.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { AgentFact, DirListing, FileCursor, IngestProblem } from '../../capture/types.js';
import { LedgerError } from '../ledger-error.js';
import {
  BUCKET_MS,
  type BucketRow,
  type CostStateRow,
  type CursorStamp,
  type DayRow,
  type FileWrite,
  type GroupDimension,
  type GroupQuery,
  type GroupRow,
  type ImportOrigin,
  type ImportRunStats,
  type LedgerStats,
  type LedgerStore,
  type OffsetSpan,
  type ProblemRow,
  type SizeClass,
} from '../store.js';
import { MIGRATIONS } from './migrations.js';

const UPSERT_USAGE = `
INSERT INTO usage (dedup_key, source, ts, session_id, agent_id, sidechain, model,
  input_tokens, output_tokens, cache_write_tokens, cache_write_1h_tokens, cache_read_tokens, web_search_requests,
  output_final, speed, geo, reported_cost, project, git_branch, agent_version, origin_id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (dedup_key) DO UPDATE SET
  input_tokens = max(input_tokens, excluded.input_tokens),
  output_tokens = max(output_tokens, excluded.output_tokens),
  cache_write_tokens = max(cache_write_tokens, excluded.cache_write_tokens),
  cache_write_1h_tokens = max(cache_write_1h_tokens, excluded.cache_write_1h_tokens),
  cache_read_tokens = max(cache_read_tokens, excluded.cache_read_tokens),
  web_search_requests = max(web_search_requests, excluded.web_search_requests),
  output_final = max(output_final, excluded.output_final),
  ts = min(ts, excluded.ts),
  reported_cost = CASE WHEN excluded.reported_cost IS NOT NULL AND (reported_cost IS NULL OR excluded.reported_cost > reported_cost)
    THEN excluded.reported_cost ELSE reported_cost END,
  agent_id = coalesce(agent_id, excluded.agent_id),
  sidechain = max(sidechain, excluded.sidechain),
  speed = coalesce(speed, excluded.speed),
  geo = coalesce(geo, excluded.geo),
  project = coalesce(project, excluded.project),
  git_branch = coalesce(git_branch, excluded.git_branch),
  agent_version = coalesce(agent_version, excluded.agent_version)
WHERE excluded.input_tokens > input_tokens OR excluded.output_tokens > output_tokens
  OR excluded.cache_write_tokens > cache_write_tokens OR excluded.cache_write_1h_tokens > cache_write_1h_tokens
  OR excluded.cache_read_tokens > cache_read_tokens OR excluded.web_search_requests > web_search_requests
  OR excluded.output_final > output_final OR excluded.ts < ts OR excluded.sidechain > sidechain
  OR (excluded.reported_cost IS NOT NULL AND (reported_cost IS NULL OR excluded.reported_cost > reported_cost))
  OR (agent_id IS NULL AND excluded.agent_id IS NOT NULL) OR (project IS NULL AND excluded.project IS NOT NULL)
  OR (git_branch IS NULL AND excluded.git_branch IS NOT NULL) OR (agent_version IS NULL AND excluded.agent_version IS NOT NULL)
  OR (speed IS NULL AND excluded.speed IS NOT NULL) OR (geo IS NULL AND excluded.geo IS NOT NULL)`;

/** The request's whole input (uncached + cache writes + cache reads) as a {@link SizeClass}. */
function sizeClassSql(p: string): string {
  const total = `${p}input_tokens + ${p}cache_write_tokens + ${p}cache_read_tokens`;
  return `CASE WHEN ${total} > 200000 THEN 2 WHEN ${total} > 100000 THEN 1 ELSE 0 END`;
}

const REFRESH_ROLLUP = `
INSERT INTO usage_rollup (bucket, model, size_class, speed, geo, has_reported, input_tokens, output_tokens, cache_write_tokens,
  cache_write_1h_tokens, cache_read_tokens, web_search_requests, reported_cost, reported_rows, responses, lower_bound)
SELECT ts / ${BUCKET_MS}, model, ${sizeClassSql('')}, coalesce(speed, ''), coalesce(geo, ''), reported_cost IS NOT NULL,
  sum(input_tokens), sum(output_tokens), sum(cache_write_tokens), sum(cache_write_1h_tokens), sum(cache_read_tokens),
  sum(web_search_requests), coalesce(sum(reported_cost), 0), count(reported_cost), count(*), sum(1 - output_final)
FROM usage WHERE ts >= ? AND ts < ?
GROUP BY 1, 2, 3, 4, 5, 6`;

const SUM_COLUMNS = `sum(input_tokens), sum(output_tokens), sum(cache_write_tokens), sum(cache_write_1h_tokens),
  sum(cache_read_tokens), sum(web_search_requests), sum(reported_cost), sum(reported_rows), sum(responses), sum(lower_bound)`;
const ROLLUP_COLUMNS = `model, size_class, speed, geo, has_reported, input_tokens, output_tokens, cache_write_tokens,
  cache_write_1h_tokens, cache_read_tokens, web_search_requests, reported_cost, reported_rows, responses, lower_bound`;

/** Rebuilds hour rows [fromHour, toHour) from the 15-minute rollup. */
const REFRESH_HOURS = `
INSERT INTO usage_rollup_hour (hour, ${ROLLUP_COLUMNS})
SELECT bucket / 4, model, size_class, speed, geo, has_reported, ${SUM_COLUMNS}
FROM usage_rollup WHERE bucket >= ? * 4 AND bucket < ? * 4
GROUP BY 1, 2, 3, 4, 5, 6`;

/** Dimension → SQL expression over `usage u` (and `agents a` for the agent type). */
const DIMENSION_SQL: Record<GroupDimension, string> = {
  session: 'u.session_id',
  project: 'u.project',
  branch: 'u.git_branch',
  agent: `CASE WHEN u.sidechain = 0 THEN 'main' ELSE coalesce(a.agent_type, 'subagent') END`,
  agentId: `CASE WHEN u.sidechain = 0 THEN 'main' ELSE coalesce(u.agent_id, 'unknown') END`,
  machine: 'o.machine',
  user: 'o.user_name',
  model: 'u.model',
};

interface RollupDbRow {
  bucket: number;
  model: string;
  size_class: number;
  speed: string;
  geo: string;
  input_tokens: number;
  output_tokens: number;
  cache_write_tokens: number;
  cache_write_1h_tokens: number;
  cache_read_tokens: number;
  web_search_requests: number;
  reported_cost: number;
  reported_rows: number;
  responses: number;
  lower_bound: number;
}

function toSums(r: RollupDbRow) {
  return {
    input: r.input_tokens,
    output: r.output_tokens,
    cacheWrite: r.cache_write_tokens,
    cacheWrite1h: r.cache_write_1h_tokens,
    cacheRead: r.cache_read_tokens,
    webSearch: r.web_search_requests,
    reportedCost: r.reported_cost,
    reportedRows: r.reported_rows,
    responses: r.responses,
    lowerBound: r.lower_bound,
  };
}

export interface SqliteStoreOptions {
  /** How long a writer waits for another process's lock, in ms. */
  busyTimeoutMs?: number;
  /** A long import: no automatic WAL checkpoints on this connection (the importer checkpoints once at the end). */
  bulk?: boolean;
}

export class SqliteStore implements LedgerStore {
  readonly kind = 'sqlite';
  readonly location: string;
  readonly #db: Database.Database;
  readonly #stmts = new Map<string, Database.Statement>();

  private constructor(file: string, db: Database.Database) {
    this.location = file;
    this.#db = db;
  }

  /** Opens (creating if needed) and migrates the ledger at `file`. */
  static open(file: string, options: SqliteStoreOptions = {}): SqliteStore {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    let db: Database.Database;
    try {
      db = new Database(file, { timeout: options.busyTimeoutMs ?? 30_000 });
    } catch (error) {
      throw new LedgerError(
        `cannot open the ledger at ${file}: ${(error as Error).message}. Check the path and its permissions, or pass --db PATH.`,
        { cause: error },
      );
    }
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      // Import workers each hold a connection: keep their page caches small.
      db.pragma(options.bulk === true ? 'cache_size = -8000' : 'cache_size = -16000');
      if (options.bulk === true) db.pragma('wal_autocheckpoint = 0');
      const store = new SqliteStore(file, db);
      store.#migrate();
      return store;
    } catch (error) {
      db.close();
      if (error instanceof LedgerError) throw error;
      throw new LedgerError(
        `cannot use the ledger at ${file}: ${(error as Error).message}. Is it a tokenledger database? Pass --db PATH to use another.`,
        { cause: error },
      );
    }
  }

  #migrate(): void {
    const db = this.#db;
    const latest = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
    const current = () =>
      (db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
    db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    if (current() === latest) return;
    db.transaction(() => {
      const applied = current();
      if (applied > latest) {
        throw new LedgerError(
          `the ledger at ${this.location} has schema version ${applied}, newer than this tokenledger knows (${latest}). Upgrade tokenledger, or pass --db PATH to use another ledger.`,
        );
      }
      for (const m of MIGRATIONS) {
        if (m.version <= applied) continue;
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
          m.version,
          m.name,
          Date.now(),
        );
      }
    }).immediate();
  }

  #stmt(sql: string): Database.Statement {
    let s = this.#stmts.get(sql);
    if (s === undefined) {
      s = this.#db.prepare(sql);
      this.#stmts.set(sql, s);
    }
    return s;
  }

  /** Copies the WAL back into the database (after a bulk import); never waits for readers. */
  async checkpoint(): Promise<void> {
    this.#db.pragma('wal_checkpoint(PASSIVE)');
  }

  async cursorStamps(): Promise<Map<string, CursorStamp>> {
    const rows = this.#stmt('SELECT path, identity, size, mtime_ms FROM files').raw().all() as [
      string,
      string,
      number,
      number,
    ][];
    const map = new Map<string, CursorStamp>();
    for (const [path, identity, size, mtimeMs] of rows) map.set(path, { identity, size, mtimeMs });
    return map;
  }

  async dirListings(): Promise<Map<string, DirListing>> {
    const rows = this.#stmt('SELECT path, mtime_ms, listed_at, entries FROM dir_listings').raw().all() as [
      string,
      number,
      number,
      string,
    ][];
    const map = new Map<string, DirListing>();
    for (const [p, mtimeMs, listedAt, entries] of rows)
      map.set(p, { mtimeMs, listedAt, entries: entries === '' ? [] : entries.split('\n') });
    return map;
  }

  async writeDirListings(listings: ReadonlyMap<string, DirListing>): Promise<void> {
    if (listings.size === 0) return;
    const stmt = this.#stmt(
      `INSERT INTO dir_listings (path, mtime_ms, listed_at, entries) VALUES (?, ?, ?, ?)
       ON CONFLICT (path) DO UPDATE SET mtime_ms = excluded.mtime_ms, listed_at = excluded.listed_at, entries = excluded.entries`,
    );
    this.#db
      .transaction(() => {
        for (const [p, l] of listings) stmt.run(p, l.mtimeMs, l.listedAt, l.entries.join('\n'));
      })
      .immediate();
  }

  async sessionsWithUnlinkedSpawns(): Promise<Set<string>> {
    const rows = this.#stmt('SELECT DISTINCT session_id FROM agent_spawns WHERE agent_id IS NULL')
      .raw()
      .all() as [string][];
    return new Set(rows.map((r) => r[0]));
  }

  async loadCursors(paths?: readonly string[]): Promise<Map<string, FileCursor>> {
    type Row = {
      path: string;
      identity: string;
      size: number;
      mtime_ms: number;
      read_offset: number;
      head_hash: string;
      head_length: number;
      tail_hash: string;
    };
    const cols = 'path, identity, size, mtime_ms, read_offset, head_hash, head_length, tail_hash';
    const rows: Row[] =
      paths === undefined
        ? (this.#stmt(`SELECT ${cols} FROM files`).all() as Row[])
        : paths.flatMap((p) => {
            const r = this.#stmt(`SELECT ${cols} FROM files WHERE path = ?`).get(p) as Row | undefined;
            return r === undefined ? [] : [r];
          });
    const map = new Map<string, FileCursor>();
    for (const r of rows) {
      map.set(r.path, {
        path: r.path,
        identity: r.identity,
        size: r.size,
        mtimeMs: r.mtime_ms,
        offset: r.read_offset,
        headHash: r.head_hash,
        headLength: r.head_length,
        tailHash: r.tail_hash,
      });
    }
    return map;
  }

  async writeFiles(files: readonly FileWrite[], origin0: ImportOrigin): Promise<void> {
    const now = Date.now();
    const upsert = this.#stmt(UPSERT_USAGE);
    const buckets = new Set<number>();
    const sessions = new Set<string>();
    this.#db
      .transaction(() => {
        const origin = this.#originId(origin0);
        for (const f of files) {
          if (f.cursor !== null) {
            if (f.fromStart) this.#stmt('DELETE FROM problems WHERE file = ?').run(f.path);
            else this.#stmt('DELETE FROM problems WHERE file = ? AND byte_offset = -1').run(f.path);
          }
          for (const r of f.records) {
            upsert.run(
              r.dedupKey,
              r.source,
              r.ts,
              r.sessionId,
              r.agentId,
              r.sidechain ? 1 : 0,
              r.model,
              r.input,
              r.output,
              r.cacheWrite,
              r.cacheWrite1h,
              r.cacheRead,
              r.webSearch,
              r.outputFinal ? 1 : 0,
              r.speed,
              r.geo,
              r.reportedCost,
              r.project,
              r.gitBranch,
              r.agentVersion,
              origin,
            );
            buckets.add(Math.floor(r.ts / BUCKET_MS));
          }
          for (const c of f.costStates)
            this.#costState(c.sessionId, c.totalCostUsd, c.models, c.file, c.offset, now);
          for (const fact of f.agentFacts) {
            this.#agentFact(fact);
            sessions.add(fact.sessionId);
          }
          this.#problems(f.problems, now);
          if (f.cursor !== null) this.#cursor(f.cursor, now);
        }
        this.#resolveAgents(sessions);
        this.#markDirty(buckets);
      })
      .immediate();
  }

  /**
   * Brings the rollup up to date for every bucket written since the last refresh. Writers only mark
   * buckets dirty (cheap), so a long import refreshes once at the end instead of once per batch.
   */
  async refreshRollup(): Promise<void> {
    if (!this.#hasDirty()) return;
    this.#db.transaction(() => this.#refreshDirty()).immediate();
  }

  #hasDirty(): boolean {
    return this.#stmt('SELECT 1 FROM rollup_dirty LIMIT 1').get() !== undefined;
  }

  #markDirty(buckets: Set<number>): void {
    const stmt = this.#stmt('INSERT OR IGNORE INTO rollup_dirty (bucket) VALUES (?)');
    for (const b of buckets) stmt.run(b);
  }

  async writeAgentFacts(facts: readonly AgentFact[], cursors: readonly FileCursor[]): Promise<void> {
    const now = Date.now();
    this.#db
      .transaction(() => {
        const sessions = new Set<string>();
        for (const fact of facts) {
          this.#agentFact(fact);
          sessions.add(fact.sessionId);
        }
        for (const c of cursors) this.#cursor(c, now);
        this.#resolveAgents(sessions);
      })
      .immediate();
  }

  async writeProblems(problems: readonly IngestProblem[]): Promise<void> {
    const now = Date.now();
    this.#db.transaction(() => this.#problems(problems, now)).immediate();
  }

  async recordImportRun(startedAt: number, finishedAt: number, s: ImportRunStats): Promise<void> {
    this.#stmt(
      'INSERT INTO import_runs (started_at, finished_at, files_seen, files_read, bytes_read, records, problems) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(startedAt, finishedAt, s.filesSeen, s.filesRead, s.bytesRead, s.records, s.problems);
  }

  #originId(o: ImportOrigin): number {
    this.#stmt('INSERT INTO origins (machine, user_name) VALUES (?, ?) ON CONFLICT DO NOTHING').run(
      o.machine,
      o.user,
    );
    return (
      this.#stmt('SELECT id FROM origins WHERE machine = ? AND user_name = ?').get(o.machine, o.user) as {
        id: number;
      }
    ).id;
  }

  #costState(
    sessionId: string,
    total: number,
    models: unknown,
    file: string,
    offset: number,
    now: number,
  ): void {
    this.#stmt(
      `INSERT INTO cost_states (session_id, total_cost_usd, models, file, byte_offset, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (session_id) DO UPDATE SET total_cost_usd = excluded.total_cost_usd, models = excluded.models,
         file = excluded.file, byte_offset = excluded.byte_offset, updated_at = excluded.updated_at
       WHERE cost_states.file <> excluded.file OR excluded.byte_offset >= cost_states.byte_offset`,
    ).run(sessionId, total, JSON.stringify(models), file, offset, now);
  }

  #agentFact(f: AgentFact): void {
    if (f.agentId !== null && f.agentType !== null) {
      this.#stmt(
        `INSERT INTO agents (session_id, agent_id, agent_type, priority) VALUES (?, ?, ?, ?)
         ON CONFLICT (session_id, agent_id) DO UPDATE SET agent_type = excluded.agent_type, priority = excluded.priority
         WHERE excluded.priority < agents.priority`,
      ).run(f.sessionId, f.agentId, f.agentType, f.priority);
    }
    if (f.toolUseId !== null) {
      this.#stmt(
        `INSERT INTO agent_spawns (session_id, tool_use_id, agent_id, agent_type) VALUES (?, ?, ?, ?)
         ON CONFLICT (session_id, tool_use_id) DO UPDATE SET agent_id = coalesce(agent_spawns.agent_id, excluded.agent_id),
           agent_type = coalesce(agent_spawns.agent_type, excluded.agent_type)`,
      ).run(f.sessionId, f.toolUseId, f.agentId, f.agentType);
    }
  }

  /** Agent types known only through the spawning tool_use become agent rows (priority 4). */
  #resolveAgents(sessions: Set<string>): void {
    const stmt = this.#stmt(
      `INSERT INTO agents (session_id, agent_id, agent_type, priority)
       SELECT session_id, agent_id, agent_type, 4 FROM agent_spawns
       WHERE session_id = ? AND agent_id IS NOT NULL AND agent_type IS NOT NULL
       ON CONFLICT (session_id, agent_id) DO NOTHING`,
    );
    for (const s of sessions) stmt.run(s);
  }

  #problems(problems: readonly IngestProblem[], now: number): void {
    const stmt = this.#stmt(
      `INSERT INTO problems (file, line, byte_offset, severity, reason, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (file, byte_offset, reason) DO UPDATE SET last_seen = excluded.last_seen, line = excluded.line`,
    );
    for (const p of problems) stmt.run(p.file, p.line, p.offset ?? -1, p.severity, p.reason, now, now);
  }

  #cursor(c: FileCursor, now: number): void {
    // Two processes may import the same file at once; never move a cursor backwards on the same content.
    this.#stmt(
      `INSERT INTO files (path, identity, size, mtime_ms, read_offset, head_hash, head_length, tail_hash, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (path) DO UPDATE SET identity = excluded.identity, size = excluded.size, mtime_ms = excluded.mtime_ms,
         read_offset = excluded.read_offset, head_hash = excluded.head_hash, head_length = excluded.head_length,
         tail_hash = excluded.tail_hash, updated_at = excluded.updated_at
       WHERE NOT (files.identity = excluded.identity AND files.head_hash = excluded.head_hash
         AND files.head_length = excluded.head_length AND files.read_offset > excluded.read_offset)`,
    ).run(c.path, c.identity, c.size, c.mtimeMs, c.offset, c.headHash, c.headLength, c.tailHash, now);
  }

  /** Rebuilds the rollup rows of every dirty bucket (written to, or a row's timestamp moved out of). */
  #refreshDirty(): void {
    const sorted = (
      this.#stmt('SELECT bucket FROM rollup_dirty ORDER BY bucket').all() as { bucket: number }[]
    ).map((r) => r.bucket);
    if (sorted.length === 0) return;
    this.#stmt('DELETE FROM rollup_dirty').run();
    const del = this.#stmt('DELETE FROM usage_rollup WHERE bucket >= ? AND bucket < ?');
    const ins = this.#stmt(REFRESH_ROLLUP);
    const delHours = this.#stmt('DELETE FROM usage_rollup_hour WHERE hour >= ? AND hour < ?');
    const insHours = this.#stmt(REFRESH_HOURS);
    let start = sorted[0] ?? 0;
    let end = start + 1;
    const flush = () => {
      del.run(start, end);
      ins.run(start * BUCKET_MS, end * BUCKET_MS);
      const fromHour = Math.floor(start / 4);
      const toHour = Math.ceil(end / 4);
      delHours.run(fromHour, toHour);
      insHours.run(fromHour, toHour);
    };
    for (let i = 1; i < sorted.length; i++) {
      const b = sorted[i] ?? 0;
      // Merge nearby buckets into one range: fewer statements, same result.
      if (b - end <= 96) end = b + 1;
      else {
        flush();
        start = b;
        end = b + 1;
      }
    }
    flush();
  }

  async buckets(fromMs: number | null, toMs: number | null): Promise<BucketRow[]> {
    await this.refreshRollup();
    const from = fromMs === null ? Number.MIN_SAFE_INTEGER : Math.floor(fromMs / BUCKET_MS);
    const to = toMs === null ? Number.MAX_SAFE_INTEGER : Math.ceil(toMs / BUCKET_MS);
    const rows = this.#stmt('SELECT * FROM usage_rollup WHERE bucket >= ? AND bucket < ?').all(
      from,
      to,
    ) as RollupDbRow[];
    return rows.map((r) => ({
      bucket: r.bucket,
      model: r.model,
      sizeClass: r.size_class as SizeClass,
      speed: r.speed,
      geo: r.geo,
      ...toSums(r),
    }));
  }

  async days(spans: readonly OffsetSpan[]): Promise<DayRow[]> {
    await this.refreshRollup();
    // Whole-hour offsets (nearly every zone) can use the hourly rollup, a quarter of the rows.
    const hourly = spans.every(
      (s) => s.offsetMs % 3_600_000 === 0 && s.fromMs % 3_600_000 === 0 && s.toMs % 3_600_000 === 0,
    );
    const [table, unit, unitMs] = hourly
      ? ['usage_rollup_hour', 'hour', 3_600_000]
      : ['usage_rollup', 'bucket', BUCKET_MS];
    const stmt =
      this.#stmt(`SELECT (${unit} * ${unitMs} + CAST(? AS INTEGER)) / 86400000 AS day, model, size_class, speed, geo, has_reported,
        sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cache_write_tokens) AS cache_write_tokens,
        sum(cache_write_1h_tokens) AS cache_write_1h_tokens, sum(cache_read_tokens) AS cache_read_tokens,
        sum(web_search_requests) AS web_search_requests, sum(reported_cost) AS reported_cost, sum(reported_rows) AS reported_rows,
        sum(responses) AS responses, sum(lower_bound) AS lower_bound
      FROM ${table} WHERE ${unit} >= ? AND ${unit} < ? GROUP BY 1, 2, 3, 4, 5, 6`);
    const out: DayRow[] = [];
    for (const span of spans) {
      const rows = stmt.all(
        span.offsetMs,
        Math.floor(span.fromMs / unitMs),
        Math.ceil(span.toMs / unitMs),
      ) as (RollupDbRow & { day: number })[];
      for (const r of rows)
        out.push({
          day: r.day,
          model: r.model,
          sizeClass: r.size_class as SizeClass,
          speed: r.speed,
          geo: r.geo,
          ...toSums(r),
        });
    }
    return out;
  }

  async rollupRange(): Promise<{ fromMs: number; toMs: number } | null> {
    await this.refreshRollup();
    // Two queries: min() or max() alone is an index lookup; both in one query scan the table.
    const r = {
      a: (this.#stmt('SELECT min(bucket) AS v FROM usage_rollup').get() as { v: number | null }).v,
      b: (this.#stmt('SELECT max(bucket) AS v FROM usage_rollup').get() as { v: number | null }).v,
    };
    if (r.a === null || r.b === null) return null;
    // Widened to whole hours (no data lies outside), so whole-hour zones can read the hourly rollup.
    const hour = 3_600_000;
    return {
      fromMs: Math.floor((r.a * BUCKET_MS) / hour) * hour,
      toMs: Math.ceil(((r.b + 1) * BUCKET_MS) / hour) * hour,
    };
  }

  async groups(query: GroupQuery): Promise<GroupRow[]> {
    const dims = [...new Set(query.dimensions)];
    const select = dims.map((d, i) => `${DIMENSION_SQL[d]} AS d${i}`);
    const where: string[] = [];
    const params: (string | number)[] = [];
    const f = query.filter;
    if (f.fromMs !== undefined) {
      where.push('u.ts >= ?');
      params.push(f.fromMs);
    }
    if (f.toMs !== undefined) {
      where.push('u.ts < ?');
      params.push(f.toMs);
    }
    if (f.session !== undefined) {
      where.push('u.session_id = ?');
      params.push(f.session);
    }
    if (f.project !== undefined) {
      where.push('u.project = ?');
      params.push(f.project);
    }
    const joinAgents = dims.includes('agent');
    const joinOrigins = dims.includes('machine') || dims.includes('user');
    const groupCols = dims.map((_, i) => `d${i}`);
    const sql = `SELECT ${[...select, `u.ts / ${BUCKET_MS} AS bucket`].join(', ')}, u.model AS model,
        ${sizeClassSql('u.')} AS size_class,
        coalesce(u.speed, '') AS speed, coalesce(u.geo, '') AS geo, u.reported_cost IS NOT NULL AS has_reported,
        sum(u.input_tokens) AS input_tokens, sum(u.output_tokens) AS output_tokens, sum(u.cache_write_tokens) AS cache_write_tokens,
        sum(u.cache_write_1h_tokens) AS cache_write_1h_tokens, sum(u.cache_read_tokens) AS cache_read_tokens,
        sum(u.web_search_requests) AS web_search_requests, coalesce(sum(u.reported_cost), 0) AS reported_cost,
        count(u.reported_cost) AS reported_rows, count(*) AS responses, sum(1 - u.output_final) AS lower_bound,
        min(u.ts) AS first_ts, max(u.ts) AS last_ts
      FROM usage u ${joinAgents ? 'LEFT JOIN agents a ON a.session_id = u.session_id AND a.agent_id = u.agent_id' : ''}
      ${joinOrigins ? 'JOIN origins o ON o.id = u.origin_id' : ''}
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      GROUP BY ${[...groupCols, 'bucket', 'model', 'size_class', 'speed', 'geo', 'has_reported'].join(', ')}`;
    const rows = this.#stmt(sql).all(...params) as (RollupDbRow &
      Record<string, unknown> & { first_ts: number; last_ts: number })[];
    return rows.map((r) => {
      const values: GroupRow['values'] = {};
      dims.forEach((d, i) => {
        const v = r[`d${i}`];
        values[d] = typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);
      });
      return {
        values,
        bucket: r.bucket,
        model: r.model,
        sizeClass: r.size_class as SizeClass,
        speed: r.speed,
        geo: r.geo,
        firstTs: r.first_ts,
        lastTs: r.last_ts,
        ...toSums(r),
      };
    });
  }

  async problems(limit: number): Promise<{ rows: ProblemRow[]; total: number }> {
    const total = (this.#stmt('SELECT count(*) AS n FROM problems').get() as { n: number }).n;
    const rows = this.#stmt(
      'SELECT file, line, byte_offset, severity, reason, first_seen, last_seen FROM problems ORDER BY last_seen DESC, file, byte_offset LIMIT ?',
    ).all(limit) as {
      file: string;
      line: number | null;
      byte_offset: number;
      severity: 'error' | 'warning';
      reason: string;
      first_seen: number;
      last_seen: number;
    }[];
    return {
      total,
      rows: rows.map((r) => ({
        file: r.file,
        line: r.line,
        offset: r.byte_offset < 0 ? null : r.byte_offset,
        severity: r.severity,
        reason: r.reason,
        firstSeen: r.first_seen,
        lastSeen: r.last_seen,
      })),
    };
  }

  async costStates(sessionIds: readonly string[]): Promise<Map<string, CostStateRow>> {
    const out = new Map<string, CostStateRow>();
    const stmt = this.#stmt(
      'SELECT session_id, total_cost_usd, models FROM cost_states WHERE session_id = ?',
    );
    for (const id of sessionIds) {
      const r = stmt.get(id) as { session_id: string; total_cost_usd: number; models: string } | undefined;
      if (r)
        out.set(id, {
          sessionId: r.session_id,
          totalCostUsd: r.total_cost_usd,
          models: JSON.parse(r.models) as CostStateRow['models'],
        });
    }
    return out;
  }

  async stats(): Promise<LedgerStats> {
    const u = this.#stmt(
      'SELECT count(*) AS n, count(DISTINCT session_id) AS s, min(ts) AS a, max(ts) AS b FROM usage',
    ).get() as {
      n: number;
      s: number;
      a: number | null;
      b: number | null;
    };
    const files = (this.#stmt('SELECT count(*) AS n FROM files').get() as { n: number }).n;
    const problems = (this.#stmt('SELECT count(*) AS n FROM problems').get() as { n: number }).n;
    const last = (this.#stmt('SELECT max(finished_at) AS t FROM import_runs').get() as { t: number | null })
      .t;
    return { records: u.n, sessions: u.s, firstTs: u.a, lastTs: u.b, files, problems, lastImport: last };
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}
