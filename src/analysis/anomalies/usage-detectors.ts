/**
 * The usage detectors: tasks, sessions, stages of a task and days far above their robust baseline in
 * tokens, and runaway turn counts (API calls per task or session). Task totals are scaled by task
 * size (tokens per estimated token) when the task has a token estimate; tasks are compared within
 * their labels when enough share them, sessions within their main model, stages within their stage.
 * @module
 */
import { formatInt } from '../../util/format.js';
import {
  type Aggregate,
  activeIn,
  aggregateBy,
  aggregateEvidence,
  aggregateOnce,
  dominantModel,
  unitTokens,
} from './aggregate.js';
import type { Anomaly, AnomalyInput, AnomalyKind, AnomalyThresholds, Detector } from './anomaly.js';
import { farAbove, type Judged, type Measured } from './baselines.js';
import { baselineText, metricText, offText } from './wording.js';

interface Entity {
  /** The subject of a flag. */
  subject: Anomaly['subject'];
  /** A name for the summary, e.g. `task T-9`. */
  name: string;
  /** What its peers are called in the summary, e.g. `tasks`. */
  peers: string;
  usage: Aggregate;
  /** The token estimate that scales it, if any. */
  estimate: number | null;
  groups: Record<string, string>[];
}

function labelGroup(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(labels).sort()) out[`label:${k}`] = labels[k] ?? '';
  return out;
}

function taskEntities(input: AnomalyInput): Entity[] {
  return [...aggregateOnce(input.units, 'task')].map(([task, usage]) => {
    const facts = input.tasks.get(task);
    const labels = labelGroup(facts?.labels ?? {});
    const estimate = facts?.estimateTokens ?? null;
    return {
      subject: { task },
      name: `task ${task}`,
      peers: 'tasks',
      usage,
      estimate: estimate !== null && estimate > 0 ? estimate : null,
      groups: Object.keys(labels).length > 0 ? [labels, {}] : [{}],
    };
  });
}

function sessionEntities(input: AnomalyInput): Entity[] {
  return [...aggregateOnce(input.units, 'ranSession')].map(
    ([session, usage]): Entity => ({
      subject: { session },
      name: `session ${session}`,
      peers: 'sessions',
      usage,
      estimate: null,
      groups: [{ model: dominantModel(usage) }, {}],
    }),
  );
}

function stageEntities(input: AnomalyInput): Entity[] {
  return [
    ...aggregateBy(input.units, (u) =>
      u.task === '' || u.stage === '' ? null : JSON.stringify([u.task, u.stage]),
    ),
  ].map(([key, usage]) => {
    const [task = '', stage = ''] = JSON.parse(key) as string[];
    return {
      subject: { task, stage },
      name: `stage ${stage} of task ${task}`,
      peers: `${stage} stages`,
      usage,
      estimate: null,
      groups: [{ stage }],
    };
  });
}

/** Flags of one metric over entities: tokens (scaled by estimates where every peer has one) or calls. */
function judge(
  kind: AnomalyKind,
  entities: readonly Entity[],
  metric: 'tokens' | 'responses',
  input: AnomalyInput,
  t: AnomalyThresholds,
): Anomaly[] {
  const raw = (e: Entity) => (metric === 'tokens' ? unitTokens(e.usage) : e.usage.responses);
  const measure = (list: readonly Entity[], scaled: boolean): Measured<Entity>[] =>
    list.map((e) => ({
      item: e,
      value: scaled && e.estimate !== null ? raw(e) / e.estimate : raw(e),
      groups: e.groups,
      flaggable: activeIn(e.usage, input),
    }));
  const judged: { j: Judged<Entity>; scaled: boolean }[] = [];
  if (metric === 'tokens') {
    // Scaled by task size only when enough tasks have an estimate to form a baseline; else every
    // task is compared in tokens.
    const scalable = entities.filter((e) => e.estimate !== null).length >= t.minBaseline;
    const sized = scalable ? entities.filter((e) => e.estimate !== null) : [];
    const unsized = scalable ? entities.filter((e) => e.estimate === null) : [...entities];
    for (const j of farAbove(measure(sized, true), 'tokensPerEstimatedToken', 'estimate', t))
      judged.push({ j, scaled: true });
    for (const j of farAbove(measure(unsized, false), 'tokens', null, t)) judged.push({ j, scaled: false });
  } else {
    for (const j of farAbove(measure(entities, false), 'responses', null, t))
      judged.push({ j, scaled: false });
  }
  return judged.map(({ j, scaled }) => {
    const e = j.item;
    const actual = raw(e);
    const expected = scaled && e.estimate !== null ? j.baseline.median * e.estimate : j.baseline.median;
    const unit = metric === 'tokens' ? 'tokens' : 'responses';
    const value =
      scaled && e.estimate !== null
        ? `${metricText('tokens', actual)} (${metricText(j.baseline.metric, j.value)} of ${formatInt(e.estimate)})`
        : metricText(j.baseline.metric, j.value);
    const what = kind === 'runaway-turns' ? 'made' : 'used';
    return {
      kind,
      subject: e.subject,
      value: j.value,
      baseline: j.baseline,
      score: j.score,
      ratio: j.ratio,
      overrun: { unit, expected, excess: actual - expected },
      evidence: aggregateEvidence(e.usage),
      summary:
        `${e.name} ${what} ${value}: ${offText(j.ratio, j.score)} ` +
        `(${baselineText(j.baseline, e.peers)}); about ${metricText(unit, Math.max(0, Math.round(actual - expected)))} over.`,
    };
  });
}

export const taskOverBaseline: Detector = (input, t) =>
  judge('task-over-baseline', taskEntities(input), 'tokens', input, t);

export const sessionOverBaseline: Detector = (input, t) =>
  judge('session-over-baseline', sessionEntities(input), 'tokens', input, t);

export const stageOverBaseline: Detector = (input, t) =>
  judge('stage-over-baseline', stageEntities(input), 'tokens', input, t);

/** Runaway turn counts: API calls per task and per session far above their baseline. */
export const runawayTurns: Detector = (input, t) => [
  ...judge('runaway-turns', taskEntities(input), 'responses', input, t),
  ...judge('runaway-turns', sessionEntities(input), 'responses', input, t),
];

/** Days whose tokens are far above the baseline of the active days. */
export const dayOverBaseline: Detector = (input, t) => {
  const active = input.days.filter((d) => d.tokens > 0);
  const measured = active.map((d) => ({
    item: d,
    value: d.tokens,
    groups: [{}],
    flaggable: d.startMs >= input.window.fromMs && d.startMs < input.window.toMs,
  }));
  return farAbove(measured, 'tokens', null, t).map((j) => ({
    kind: 'day-over-baseline' as const,
    subject: { date: j.item.date },
    value: j.value,
    baseline: j.baseline,
    score: j.score,
    ratio: j.ratio,
    overrun: { unit: 'tokens' as const, expected: j.baseline.median, excess: j.value - j.baseline.median },
    evidence: {
      firstTs: j.item.startMs,
      lastTs: j.item.endMs - 1,
      tokens: {
        input: j.item.input,
        output: j.item.output,
        cacheWrite: j.item.cacheWrite,
        cacheRead: j.item.cacheRead,
        total: j.item.tokens,
      },
      responses: j.item.responses,
      sessions: [],
      tasks: [],
      records: [],
      facts: {},
    },
    summary:
      `${j.item.date} used ${metricText('tokens', j.value)}: ${offText(j.ratio, j.score)} ` +
      `(${baselineText(j.baseline, 'active days')}); about ${metricText('tokens', Math.round(j.value - j.baseline.median))} over.`,
  }));
};
