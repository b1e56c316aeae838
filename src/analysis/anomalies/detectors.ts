/**
 * Every detector, in the order their flags are listed, and the run over them. A new detector (e.g.
 * the same file read again and again) is one more entry in {@link DETECTORS}.
 * @module
 */
import type { Anomaly, AnomalyInput, AnomalyKind, AnomalyThresholds, Detector } from './anomaly.js';
import { cacheExpiring, contextLeak } from './leak-detectors.js';
import { fileReread } from './reread-detector.js';
import {
  dayOverBaseline,
  runawayTurns,
  sessionOverBaseline,
  stageOverBaseline,
  taskOverBaseline,
} from './usage-detectors.js';

export const DETECTORS: readonly { kind: AnomalyKind; detect: Detector }[] = [
  { kind: 'task-over-baseline', detect: taskOverBaseline },
  { kind: 'stage-over-baseline', detect: stageOverBaseline },
  { kind: 'session-over-baseline', detect: sessionOverBaseline },
  { kind: 'day-over-baseline', detect: dayOverBaseline },
  { kind: 'runaway-turns', detect: runawayTurns },
  { kind: 'context-leak', detect: contextLeak },
  { kind: 'cache-expiring', detect: cacheExpiring },
  { kind: 'file-reread', detect: fileReread },
];

function subjectKey(a: Anomaly): string {
  const s = a.subject;
  return [s.task, s.stage, s.session, s.agentId, s.date, s.file].map((v) => v ?? '').join('\u0000');
}

/** Every detector's flags: by detector, then the farthest off first (ties: by subject). */
export function detectAnomalies(
  input: AnomalyInput,
  thresholds: AnomalyThresholds,
  detectors: readonly { kind: AnomalyKind; detect: Detector }[] = DETECTORS,
): Anomaly[] {
  return detectors.flatMap((d) =>
    d
      .detect(input, thresholds)
      .sort(
        (a, b) =>
          b.score - a.score || (subjectKey(a) < subjectKey(b) ? -1 : subjectKey(a) > subjectKey(b) ? 1 : 0),
      ),
  );
}
