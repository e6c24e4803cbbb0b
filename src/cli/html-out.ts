/** `--html-out FILE` (plan, simulate, status): the HTML report written to a file beside whatever -o prints. */
import { writeFileSync } from 'node:fs';
import type { Catalog } from '../catalog/catalog.js';
import { InputError } from '../model/errors.js';
import type { PriceOf } from '../report/fleet.js';

/** Fails before any work (one line, exit 1) when the file cannot be written. */
export function checkHtmlOut(file: string | undefined): void {
  if (file === undefined) return;
  try {
    writeFileSync(file, '');
  } catch (e) {
    throw new InputError('flag --html-out', '', '', `cannot write ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function writeHtmlOut(file: string | undefined, html: () => string): void {
  if (file === undefined) return;
  try {
    writeFileSync(file, html());
  } catch (e) {
    throw new InputError('flag --html-out', '', '', `cannot write ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The catalog's on-demand price of an instance type, for the fleet before. */
export function priceOfCatalog(catalog: Catalog): PriceOf {
  return (type) => catalog.byName.get(type)?.priceUsdPerHour ?? null;
}
