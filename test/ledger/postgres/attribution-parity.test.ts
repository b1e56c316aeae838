/**
 * Tasks, spans, attribution, declared telemetry and runs give the same results on PostgreSQL as on
 * SQLite: the same scenario runs on both, and everything a user can read back must be equal.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { postgresAvailable } from '../../helpers/postgres.js';
import { expectTaskRollupConsistent } from '../../helpers/task-rollup-check.js';
import { backends, frozen, T0 } from './parity.js';
import {
  attributionInput,
  attributionScenario,
  runsScenario,
  telemetryInput,
  telemetryScenario,
} from './scenarios.js';

const DAY = 86_400_000;
const available = await postgresAvailable();
const b = backends();
afterAll(() => b.cleanup());

describe.skipIf(!available)('PostgreSQL matches SQLite', () => {
  it('attributes usage by the same precedence, nesting, stage map and labels', async () => {
    const input = attributionInput();
    const lite = await b.sqlite();
    const pg = await b.postgres();
    const expected = await frozen(T0 + DAY, () => attributionScenario(lite, input));
    const actual = await frozen(T0 + DAY, () => attributionScenario(pg, input));
    // The scenario means something: every scope and the stage map decided some row.
    expect(expected.first.byTaskStage).toMatchObject({
      'T-SPAWN|build': 40,
      'RUN|review': 20,
      'RUN|explore': 80,
      'W|ui': 300,
    });
    expect(expected.third.byTaskStage).toMatchObject({ 'T-SPAWN|make': 40, 'T-1|': 300_000 });
    expect(expected.first.byLabel).toMatchObject({ 'qa|run': 20, 'core|feature': 300 });
    expect(actual).toEqual(expected);
    await expectTaskRollupConsistent(pg);
  });

  it('merges declarations, and captured usage wins over declared usage both ways', async () => {
    const captured = telemetryInput();
    const lite = await b.sqlite();
    const pg = await b.postgres();
    const expected = await frozen(T0 + DAY, () => telemetryScenario(lite, captured));
    const actual = await frozen(T0 + DAY, () => telemetryScenario(pg, captured));
    expect(expected.declaredOnly.byTaskStage['T-D|main']).toBe(100);
    expect(expected.capturedWins.byTaskStage['T-D|']).toBe(16);
    expect(expected.declaredAgain.byTaskStage['T-D|main']).toBe(100);
    expect(actual).toEqual(expected);
    await expectTaskRollupConsistent(pg);
  });

  it('records and lists runs', async () => {
    const lite = await b.sqlite();
    const pg = await b.postgres();
    const expected = await frozen(T0 + DAY, () => runsScenario(lite));
    expect(await frozen(T0 + DAY, () => runsScenario(pg))).toEqual(expected);
  });
});
