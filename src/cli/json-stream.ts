/**
 * Writes a large JSON document in pieces: the object pretty-printed as `JSON.stringify(value, null, 2)` would, except that one
 * long array field is written one compact element per line, in chunks. A rehearsal of a large cluster has millions of trace
 * events: as one string its JSON would take gigabytes (past V8's string limit); written this way it never exists whole.
 */
const CHUNK = 1 << 20;

export function writeJsonStreamingArray(write: (text: string) => void, value: Readonly<Record<string, unknown>>, arrayKey: string): void {
  const items = value[arrayKey];
  if (!Array.isArray(items)) {
    write(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  // A marker no JSON value contains, replaced by the streamed array.
  const marker = '\u0000streamed-array\u0000';
  const text = JSON.stringify({ ...value, [arrayKey]: marker }, null, 2);
  const at = text.indexOf(JSON.stringify(marker));
  const head = text.slice(0, at);
  const tail = text.slice(at + JSON.stringify(marker).length);
  if (items.length === 0) {
    write(`${head}[]${tail}\n`);
    return;
  }
  let buf = `${head}[\n`;
  items.forEach((item: unknown, i: number) => {
    buf += `    ${JSON.stringify(item) ?? 'null'}${i + 1 < items.length ? ',' : ''}\n`;
    if (buf.length >= CHUNK) {
      write(buf);
      buf = '';
    }
  });
  write(`${buf}  ]${tail}\n`);
}
