/** HTML escaping for every piece of text that comes from inputs (pod, node, VNG and PDB names are user data). */
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside an element or a double-quoted attribute. */
export function esc(s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** A number for an SVG coordinate or a data attribute: finite, at most two decimals. */
export function num(x: number): string {
  if (!Number.isFinite(x)) return '0';
  return String(Math.round(x * 100) / 100);
}

/** A table with a header row; cells are escaped here. `numeric` names the columns aligned right. */
export function htmlTable(header: readonly string[], rows: readonly (readonly (string | number)[])[], numeric: readonly number[] = [], cls = ''): string {
  const align = (i: number): string => (numeric.includes(i) ? ' class="n"' : '');
  const head = `<tr>${header.map((h, i) => `<th scope="col"${align(i)}>${esc(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${align(i)}>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table${cls !== '' ? ` class="${esc(cls)}"` : ''}>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** A section with its heading; `body` is HTML already escaped. */
export function section(id: string, title: string, body: string): string {
  return `<section id="${esc(id)}">\n<h2>${esc(title)}</h2>\n${body}\n</section>`;
}

export const para = (text: string, cls = ''): string => `<p${cls !== '' ? ` class="${esc(cls)}"` : ''}>${esc(text)}</p>`;
