/** Loading and error states of a view. */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { Loaded } from './use-json.js';

export function Status(props: { loaded: Loaded<unknown> }): VNode {
  const l = props.loaded;
  if (l.state === 'error') return html`<p class="error" role="alert">Could not load: ${l.message}</p>`;
  return html`<p class="loading" aria-busy="true">Loading…</p>`;
}
