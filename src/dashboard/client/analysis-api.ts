/** The JSON of the analyses the dashboard shows: exactly what `budget status`, `anomalies`, `review` and `compare` print with `--json`. */

export interface BudgetStatusJson {
  name: string;
  unit: 'tokens' | 'usd';
  limit: number;
  period: 'day' | 'week' | 'month';
  scope: { kind: string; value: string | null };
  periodKey: string;
  from: string;
  to: string;
  spent: number;
  percent: number;
  reached: number[];
  over: boolean;
  forecast: { amount: number; percent: number; basis: { from: string; to: string; perDay: number } };
  unpricedModels: string[];
}

export interface BudgetReportJson {
  budgets: BudgetStatusJson[];
  meta: { at: string; timezone: string; weekStart: string };
}

export interface AnomalyJson {
  kind: string;
  subject: { task?: string; session?: string; agentId?: string; stage?: string; date?: string };
  value: number;
  baseline: {
    metric: string;
    median: number;
    mad: number;
    n: number;
    groupedBy: Record<string, string> | null;
    scaledBy: unknown;
  };
  score: number;
  ratio: number | null;
  overrun: { unit: 'tokens' | 'responses'; expected: number; excess: number } | null;
  evidence: {
    firstTs: number;
    lastTs: number;
    tokens: { input: number; output: number; cacheWrite: number; cacheRead: number; total: number };
    responses: number;
    sessions: string[];
    tasks: string[];
    records: unknown[];
    facts: Record<string, number>;
  };
  summary: string;
}

export interface AnomaliesJson {
  range: { since: string; until: string; timeZone: string };
  baseline: { since: string; until: string };
  checked: { tasks: number; sessions: number; days: number; seriesSessions: number; requests: number };
  anomalies: AnomalyJson[];
}

export interface ReviewItemJson {
  id: string | null;
  type: string;
  kind: string | null;
  target: string | null;
  description: string;
  evidence: string;
  savingUsd: number | null;
  file: string | null;
  diff: string | null;
  instruction: string | null;
}

export interface ReviewJson {
  date: string;
  period: { start: string; end: string };
  repository: string;
  policyFile: string;
  recommendations: ReviewItemJson[];
}

export interface DistributionJson {
  tasks: number;
  median: number | null;
  p25: number | null;
  p75: number | null;
}

export interface MetricJson {
  metric: 'cost' | 'tokens' | 'turns' | 'duration';
  a: DistributionJson;
  b: DistributionJson;
  change: { estimate: number; low: number; high: number } | null;
  verdict: 'lower' | 'higher' | null;
  reason: string | null;
  tasksNeededPerCohort: number | null;
  moreTasksNeeded: { a: number; b: number } | null;
  text: string;
}

export interface CompareJson {
  a: { filter: string; tasks: number; taskIds: string[]; unpricedTasks: number };
  b: { filter: string; tasks: number; taskIds: string[]; unpricedTasks: number };
  inBoth: number;
  bootstrap: { seed: number; resamples: number; level: number; minTasksPerCohort: number };
  verdict: string;
  metrics: MetricJson[];
}
