/** The dashboard's JSON endpoints (the cookie the first load set authenticates them). */
import { JSON_REQUEST, takeEarly } from './early-requests.js';

export class ApiError extends Error {}

/** `path`'s JSON: the answer to its early request (early.ts) the first time, else a new request. */
export async function getJson<T>(path: string): Promise<T> {
  const res = await (takeEarly(path) ?? fetch(path, JSON_REQUEST));
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const body: unknown = await res.json();
      if (typeof body === 'object' && body !== null && 'error' in body) message = String(body.error);
    } catch {
      // not JSON
    }
    throw new ApiError(message);
  }
  return (await res.json()) as T;
}

/** The usage fields of every report row (the CLI's `--json` names). */
export interface UsageFields {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  totalTokens: number;
  totalCost: number;
  responses: number;
  cacheHitRate: number | null;
}

export type Row = UsageFields & Record<string, unknown>;

export interface Meta {
  timezone: string;
  dimensions: string[];
  today: string;
  live: boolean;
}

export interface DimensionJson {
  rows: Row[];
  totals: UsageFields;
}

/** One model's usage in a report row (`modelBreakdowns[]`). */
export type ModelBreakdownJson = {
  modelName: string;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  /** The priced part; null when none of the model's usage is priced. */
  cost: number | null;
  responses: number;
};

export interface OverviewJson {
  daily: { daily: (Row & { modelBreakdowns: ModelBreakdownJson[] })[]; totals: UsageFields };
  block: { blocks: BlockJson[] };
}

export interface BlockJson {
  startTime: string;
  endTime: string;
  totalTokens: number;
  costUSD: number;
  entries: number;
  models: string[];
  burnRate: { tokensPerMinute: number; costPerHour: number } | null;
  projection: { totalTokens: number; totalCost: number; remainingMinutes: number } | null;
}

export interface Variance {
  estimate: number;
  actual: number;
  percent: number;
}

export interface TaskJson {
  id: string;
  title: string | null;
  parent: string | null;
  status: string;
  estimate: { tokens: number | null; usd: number | null };
  stage: string | null;
  actualTokens: number;
  actualUsd: number;
  variance: { tokens: Variance | null; usd: Variance | null; overrun: boolean; noUsageYet: boolean };
}

export interface TaskDetailJson {
  show: {
    task: Omit<TaskJson, 'actualTokens' | 'actualUsd' | 'variance'>;
    totals: UsageFields;
    byModel: Row[];
    byStage: Row[];
    byAgent: Row[];
    children: Row[];
    variance: TaskJson['variance'];
  };
  timeline: DimensionJson;
  requests: { requests: RequestJson[]; total: number; truncated: boolean };
}

export interface RequestJson {
  at: string;
  task: string | null;
  stage: string | null;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  totalTokens: number;
}
