/** The top of every report: the verdict (or the migration's status) and the failure with Ocean's message, why and what to do. */
import { listSome } from '../format.js';
import { esc } from './escape.js';

export interface FailureView {
  readonly code: string;
  readonly message: string;
  readonly why?: string | undefined;
  readonly remedy?: string | undefined;
  readonly objects?: readonly string[] | undefined;
  /** "in batch 5", "at t+12m00s": where it happens or happened. */
  readonly where?: string | undefined;
}

/** The one-line headline, classed by its verdict or status (colour only; the words say it). */
export function headline(kind: string, text: string): string {
  return `<p class="verdict ${esc(kind)}" id="verdict" data-verdict="${esc(kind)}">${esc(text)}</p>`;
}

/** Ocean's message, why and what to do; `title` says whether it is predicted or happened. */
export function failureBlock(title: string, f: FailureView): string {
  const rows: string[] = [];
  if (f.why !== undefined) rows.push(`<dt>Why</dt><dd>${esc(f.why)}</dd>`);
  if (f.remedy !== undefined) rows.push(`<dt>What to do</dt><dd>${esc(f.remedy)}</dd>`);
  if (f.objects !== undefined && f.objects.length > 0) rows.push(`<dt>Objects</dt><dd>${esc(listSome(f.objects, 12))}</dd>`);
  return [
    `<div class="failure" id="failure" data-failure="${esc(f.code)}">`,
    `<h2>${esc(title)}: <code>${esc(f.code)}</code>${f.where !== undefined ? ` ${esc(f.where)}` : ''}</h2>`,
    `<blockquote>Ocean: ${esc(f.message)}</blockquote>`,
    rows.length > 0 ? `<dl class="kv">${rows.join('')}</dl>` : '',
    '</div>',
  ].join('\n');
}
