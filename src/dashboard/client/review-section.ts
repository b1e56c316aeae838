/** Analysis: the review's recommendations (`review --json`), each with its evidence, saving and diff, and a button to copy the diff. */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import type { ReviewItemJson, ReviewJson } from './analysis-api.js';
import { fmtUsd } from './format.js';
import { Status } from './status.js';
import { useJson } from './use-json.js';

function CopyButton(props: { text: string; what: string }): VNode {
  const [said, setSaid] = useState('');
  const copy = () =>
    navigator.clipboard.writeText(props.text).then(
      () => setSaid('Copied'),
      (e: unknown) => setSaid(`Could not copy: ${e instanceof Error ? e.message : String(e)}`),
    );
  return html`<span class="copy">
    <button type="button" class="small" onClick=${copy}>Copy diff<span class="sr-only"> of ${props.what}</span></button>
    <span role="status" aria-live="polite" class="muted">${said}</span>
  </span>`;
}

function Recommendation(props: { r: ReviewItemJson; i: number }): VNode {
  const { r, i } = props;
  return html`<li data-recommendation=${i} data-id=${r.id ?? ''}>
    <h3><span class="tag">${r.type}</span> ${r.description}</h3>
    <p>${r.evidence}</p>
    <p>Saving: <strong data-key="saving" data-value=${r.savingUsd ?? ''}>${r.savingUsd === null ? '–' : `about ${fmtUsd(r.savingUsd)}`}</strong>${r.id === null ? '' : html` · id <code>${r.id}</code>`}</p>
    ${
      r.diff === null
        ? html`<p>${r.instruction ?? ''}</p>`
        : html`<div class="diff-head"><span>Change to <code>${r.file}</code> (check with <code>git apply --check</code>, apply with <code>git apply</code>)</span>
            <${CopyButton} text=${r.diff} what=${r.file ?? r.description} /></div>
          <pre class="diff" tabindex="0" aria-label=${`Diff of ${r.file ?? ''}`}><code>${r.diff}</code></pre>`
    }
  </li>`;
}

export function ReviewSection(props: { refresh: number }): VNode {
  const loaded = useJson<ReviewJson>('/api/review', props.refresh);
  const head = html`<h2 id="review-title">Recommendations</h2>`;
  if (loaded.state !== 'ok')
    return html`<section class="card" aria-labelledby="review-title">${head}<${Status} loaded=${loaded} /></section>`;
  const r = loaded.data;
  return html`<section class="card" aria-labelledby="review-title" id="review">
    ${head}
    <p class="muted">The review of ${r.period.start} to ${r.period.end}; diffs against <code>${r.repository}</code> (where the dashboard was started). Nothing is applied. To follow one up with <code>tokenledger review check ID</code>, run <code>tokenledger review</code> once: the dashboard only reads, so it does not remember proposals.</p>
    ${
      r.recommendations.length === 0
        ? html`<p>No recommendation for these days.</p>`
        : html`<ol class="findings">${r.recommendations.map((x, i) => html`<${Recommendation} r=${x} i=${i} />`)}</ol>`
    }
  </section>`;
}
