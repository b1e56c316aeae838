/**
 * A table with a caption and a CSV download; each figure cell keeps its exact value in `data-value`.
 * A long table shows its first rows until asked for all (laying out thousands of rows takes the
 * browser seconds); its CSV always has every row.
 */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { downloadCsv, fileName } from './download.js';
import { fmtInt, fmtPct, fmtUsd } from './format.js';

export type CellKind = 'text' | 'int' | 'usd' | 'pct';

export interface Column<R> {
  key: string;
  header: string;
  kind: CellKind;
  value: (row: R) => string | number | null;
  /** A text cell's content (e.g. a button); the CSV gets `value`. */
  render?: (row: R) => VNode | string;
}

function shown(kind: CellKind, v: string | number | null): string {
  if (v === null) return '–';
  if (typeof v === 'string') return v;
  if (kind === 'usd') return fmtUsd(v);
  if (kind === 'pct') return fmtPct(v);
  return fmtInt(v);
}

/** The rows a table shows before "Show all". */
export const FIRST_ROWS = 100;

export function DataTable<R>(props: {
  id: string;
  caption: string;
  columns: Column<R>[];
  rows: R[];
  rowClass?: (row: R) => string;
}): VNode {
  const { id, caption, columns, rows } = props;
  const [all, setAll] = useState(false);
  const region = useRef<HTMLDivElement>(null);
  const cut = !all && rows.length > FIRST_ROWS;
  const shownRows = cut ? rows.slice(0, FIRST_ROWS) : rows;
  const showAll = () => {
    setAll(true);
    region.current?.focus();
  };
  const csv = () =>
    downloadCsv(
      fileName(caption),
      columns.map((c) => c.header),
      rows.map((r) => columns.map((c) => String(c.value(r) ?? ''))),
    );
  return html`<div class="table-wrap">
    <div class="table-head">
      <button type="button" class="small" onClick=${csv}>Download CSV<span class="sr-only"> of ${caption}</span></button>
    </div>
    <div class="scroll" tabindex="0" role="region" aria-label=${caption} ref=${region}>
      <table id=${id} data-table=${id}>
        <caption>${caption}</caption>
        <thead>
          <tr>${columns.map((c) => html`<th scope="col" class=${c.kind === 'text' ? '' : 'num'}>${c.header}</th>`)}</tr>
        </thead>
        <tbody>
          ${shownRows.map(
            (r) => html`<tr class=${props.rowClass?.(r) ?? ''}>
              ${columns.map((c) => {
                const v = c.value(r);
                return c.kind === 'text'
                  ? html`<td data-key=${c.key}>${c.render?.(r) ?? shown('text', v)}</td>`
                  : html`<td class="num" data-key=${c.key} data-value=${v === null ? '' : String(v)}>${shown(c.kind, v)}</td>`;
              })}
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${
      cut
        ? html`<p class="more" data-more=${id}>The first ${fmtInt(FIRST_ROWS)} of ${fmtInt(rows.length)} rows (the CSV has them all).
          <button type="button" class="small" onClick=${showAll}>Show all ${fmtInt(rows.length)} rows<span class="sr-only"> of ${caption}</span></button></p>`
        : ''
    }
  </div>`;
}
