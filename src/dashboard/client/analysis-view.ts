/** Analysis: anomalies with their evidence, the review's recommendations with their diffs, and an A/B comparison. */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { AnomaliesSection } from './anomalies-section.js';
import { CompareSection } from './compare-section.js';
import { ReviewSection } from './review-section.js';
import type { UrlState } from './url-state.js';

export function AnalysisView(props: {
  state: UrlState;
  refresh: number;
  set: (p: Partial<UrlState>, push?: boolean) => void;
}): VNode {
  return html`<div class="view">
    <${AnomaliesSection} state=${props.state} refresh=${props.refresh} />
    <${ReviewSection} refresh=${props.refresh} />
    <${CompareSection} state=${props.state} refresh=${props.refresh} set=${props.set} />
  </div>`;
}
