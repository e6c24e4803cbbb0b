/** The few quantity and time texts the generator reads and writes (it only ever writes the simple forms it parses). */

/** `50m` -> 50, `2` -> 2000. */
export function parseCpuMillis(text: string): number {
  const m = /^(\d+)(m?)$/.exec(text);
  if (m === null) throw new RangeError(`unsupported cpu quantity "${text}" (use e.g. 50m or 2)`);
  const n = Number(m[1]);
  return m[2] === 'm' ? n : n * 1000;
}

/** `64Mi` -> 65536 (KiB), `1Gi` -> 1048576. */
export function parseMemoryKi(text: string): number {
  const m = /^(\d+)(Ki|Mi|Gi)$/.exec(text);
  if (m === null) throw new RangeError(`unsupported memory quantity "${text}" (use e.g. 64Mi or 1Gi)`);
  const n = Number(m[1]);
  return m[2] === 'Ki' ? n : m[2] === 'Mi' ? n * 1024 : n * 1024 * 1024;
}

/** Millicores as kubelet prints them: whole cores bare, otherwise with an m. */
export function cpuText(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

/** RFC 3339 at second precision, as the API server prints timestamps. */
export function timestampText(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
