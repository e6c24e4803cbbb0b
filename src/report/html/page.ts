/**
 * The page around the sections: one self-contained HTML document. Styles are inline, there is no script and no font or
 * image to fetch, so the file opens the same offline, attached to a ticket or from a CI artifact.
 */
import { esc } from './escape.js';

const STYLE = `
:root { color-scheme: light; --ink: #1d2430; --muted: #5b6472; --line: #d5dae1; --ok: #1f7a3a; --warn: #a15c00; --bad: #b3261e; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1200px; padding: 16px 24px 48px; }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
p { margin: 6px 0; }
.meta, .note { color: var(--muted); }
.verdict { border-left: 6px solid var(--ok); padding: 8px 12px; background: #f2f8f3; font-weight: 600; }
.verdict.FAILURE_PREDICTED, .verdict.Stopped, .verdict.Stopping, .verdict.Running { border-color: var(--warn); background: #fdf6ec; }
.verdict.NOT_FEASIBLE, .verdict.Failed { border-color: var(--bad); background: #fcf1f0; }
.failure { border: 1px solid var(--bad); border-radius: 4px; padding: 8px 12px; margin: 10px 0; }
.failure blockquote { margin: 4px 0 8px; padding-left: 10px; border-left: 3px solid var(--line); font-style: italic; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 6px 0; }
dl.kv dt { font-weight: 600; }
dl.kv dd { margin: 0; }
table { border-collapse: collapse; margin: 6px 0 10px; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f3f5f8; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 8px 0 12px; }
figcaption { color: var(--muted); font-size: 12px; }
svg { max-width: 100%; height: auto; font: 11px system-ui, sans-serif; }
svg .axis line, svg .axis path { stroke: #9aa3ae; }
svg text { fill: var(--ink); }
details summary { cursor: pointer; color: var(--muted); }
`;

export function htmlDocument(title: string, body: readonly string[]): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing on this page may load: no script, no connection, images only from the document itself.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
