/** Durations on the command line: plain seconds or Go-style units (90s, 15m, 1h30m). */
export function parseDuration(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  const re = /(\d+)(h|m|s)/g;
  let total = 0;
  let consumed = 0;
  for (const m of s.matchAll(re)) {
    const n = Number(m[1]);
    total += m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : n;
    consumed += m[0].length;
  }
  return consumed === s.length && consumed > 0 ? total : null;
}
