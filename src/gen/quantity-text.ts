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

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * RFC 3339 at second precision in UTC, as the API server prints timestamps (`2026-01-15T12:00:00Z`). Computed with integer
 * arithmetic (days to civil date), which is several times faster than going through Date for hundreds of thousands of pods.
 */
export function timestampText(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const kept = recentTimestamps.get(seconds);
  if (kept !== undefined) return kept;
  const text = timestampOf(seconds);
  // A pod's times are written several times each (its conditions, its containers): the recent texts are kept, a bounded few.
  if (recentTimestamps.size >= RECENT_TIMESTAMPS) recentTimestamps.clear();
  recentTimestamps.set(seconds, text);
  return text;
}

const RECENT_TIMESTAMPS = 4096;
const recentTimestamps = new Map<number, string>();

function timestampOf(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  const inDay = seconds - days * 86400;
  // Civil date from days since 1970-01-01 (proleptic Gregorian calendar, eras of 400 years).
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hh = Math.floor(inDay / 3600);
  const mm = Math.floor((inDay % 3600) / 60);
  return [String(year), '-', two(month), '-', two(day), 'T', two(hh), ':', two(mm), ':', two(inDay % 60), 'Z'].join('');
}
