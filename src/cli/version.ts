/** The program's version, read from the package.json of the installed package (the first one above this module). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const doc: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (typeof doc === 'object' && doc !== null && 'name' in doc && doc.name === 'vngshift' && 'version' in doc && typeof doc.version === 'string') return doc.version;
    }
    const up = dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}
