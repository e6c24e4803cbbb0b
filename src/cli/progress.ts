/**
 * Progress and log lines of the long commands (plan, simulate, run, chaos), always on standard error so standard output
 * keeps only the report (and stays parseable when it is JSON). Three forms:
 * - `bar`: on a terminal (stderr is a TTY, no --no-progress, --log-format text): a cli-progress bar per phase with the count,
 *   percentage and ETA; log lines are printed above it.
 * - `lines`: otherwise, or with --no-progress: one timestamped line per log message, and per phase a line when it starts,
 *   when it ends, and between them when it has passed another tenth at least 5 s after the previous line (a quick phase
 *   is two lines; `2026-12-05T20:01:02Z vngshift simulate: simulate 3/10 batches (30%), elapsed 2.1s, ETA 4.9s`).
 * - `json` (--log-format json): the same events as one JSON object per line.
 * The pure parts report ProgressSteps (src/model/progress.ts); the wall clock for timestamps and ETA is read only here.
 */
import { MultiBar, type SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { Option } from 'commander';
import { InputError } from '../model/errors.js';
import type { ProgressStep } from '../model/progress.js';

export type LogFormat = 'text' | 'json';
export type ReporterMode = 'bar' | 'lines' | 'json';

export interface ProgressFlags {
  /** false with --no-progress. */
  readonly progress?: boolean;
  readonly logFormat?: string;
}

export interface Reporter {
  readonly mode: ReporterMode;
  /** A progress step of the pure parts (throttled to phase starts, tenths and ends outside the bar). */
  step(s: ProgressStep): void;
  /** A log message (one line). */
  log(message: string, fields?: Readonly<Record<string, string | number | boolean | null>>): void;
  /** Stops the bar (if any); call once the work is over, before the report is written. Steps after it are dropped. */
  end(): void;
}

export interface ReporterIo {
  readonly write: (text: string) => void;
  readonly isTTY: boolean;
  readonly now: () => number;
  /** The stream the bar draws on (only used in `bar` mode). */
  readonly stream?: NodeJS.WritableStream;
}

/** Adds --no-progress and --log-format to a command. */
export function withProgressFlags(cmd: Command): Command {
  return cmd
    .option('--no-progress', 'no progress bar: plain timestamped lines on stderr even on a terminal')
    .addOption(new Option('--log-format <format>', 'progress and log lines on stderr: text, or json (one object per line)').choices(['text', 'json']).default('text'));
}

export function reporterMode(flags: ProgressFlags, isTTY: boolean): ReporterMode {
  const format = flags.logFormat ?? 'text';
  if (format !== 'text' && format !== 'json') throw new InputError('flag --log-format', '', '', `unknown format "${format}"; expected text or json`);
  if (format === 'json') return 'json';
  return isTTY && flags.progress !== false ? 'bar' : 'lines';
}

const stderrIo = (): ReporterIo => ({
  write: (t) => void process.stderr.write(t),
  isTTY: process.stderr.isTTY === true,
  now: () => Date.now(),
  stream: process.stderr,
});

/** In `lines` mode, the least time between two progress lines of a phase (its start and end always print). */
const LINE_GAP_MS = 5000;

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const seconds = (ms: number): number => Math.round(ms / 100) / 10;

/**
 * What the reporter keeps of one phase. Phases may run side by side (simulate's expected fleet on a thread beside the
 * rehearsal: their steps come interleaved), so each keeps its own start, throttle and bar; a phase whose count goes back
 * starts again.
 */
interface PhaseState {
  readonly start: number;
  lastTenth: number;
  lastLineAt: number;
  done: number;
  bar: SingleBar | null;
}

export function makeReporter(command: string, flags: ProgressFlags, io: ReporterIo = stderrIo()): Reporter {
  const mode = reporterMode(flags, io.isTTY);
  const phases = new Map<string, PhaseState>();
  let bars: MultiBar | null = null;
  /** After end(): steps are dropped (a late one would draw a new bar, whose timer keeps the process alive). */
  let ended = false;

  const figures = (s: ProgressStep, st: PhaseState, now: number): { elapsedMs: number; etaMs: number | null } => {
    const elapsedMs = now - st.start;
    const etaMs = s.done > 0 && s.total >= s.done ? (elapsedMs * (s.total - s.done)) / s.done : null;
    return { elapsedMs, etaMs };
  };
  const detailText = (d: ProgressStep['detail']): string =>
    d === undefined ? '' : Object.entries(d).map(([k, v]) => `, ${k} ${String(v)}`).join('');

  const line = (text: string): void => {
    if (bars !== null) {
      bars.log(`${text}\n`);
      bars.update(); // draws the line above the bars now, not at the next tick
    } else io.write(`${text}\n`);
  };

  return {
    mode,
    step(s) {
      if (ended) return;
      let st = phases.get(s.phase);
      const fresh = st === undefined || s.done < st.done;
      if (st === undefined || fresh) phases.set(s.phase, (st = { start: io.now(), lastTenth: -1, lastLineAt: 0, done: s.done, bar: null }));
      st.done = s.done;
      if (mode === 'bar') {
        if (bars === null) {
          bars = new MultiBar(
            {
              stream: io.stream ?? process.stderr,
              format: `${command}: {phase} [{bar}] {value}/{total} {unit} | {percentage}% | ETA {eta_formatted}{extra}`,
              hideCursor: true,
              clearOnComplete: false,
              stopOnComplete: false,
              etaBuffer: 20,
            },
          );
        }
        const payload = { phase: s.phase, unit: s.unit, extra: detailText(s.detail) };
        if (st.bar === null) st.bar = bars.create(s.total, s.done, payload);
        else {
          st.bar.setTotal(s.total);
          st.bar.update(s.done, payload);
        }
        return;
      }
      const tenth = s.total > 0 ? Math.floor((s.done * 10) / s.total) : 10;
      if (!fresh && tenth <= st.lastTenth) return;
      const now = io.now();
      if (mode === 'lines' && !fresh && s.done < s.total && now - st.lastLineAt < LINE_GAP_MS) return;
      st.lastTenth = tenth;
      st.lastLineAt = now;
      const { elapsedMs, etaMs } = figures(s, st, now);
      if (mode === 'json') {
        io.write(
          `${JSON.stringify({
            time: new Date(now).toISOString(),
            command,
            type: 'progress',
            phase: s.phase,
            done: s.done,
            total: s.total,
            unit: s.unit,
            elapsedSeconds: seconds(elapsedMs),
            etaSeconds: etaMs === null ? null : seconds(etaMs),
            ...(s.detail ?? {}),
          })}\n`,
        );
        return;
      }
      const pct = s.total > 0 ? Math.floor((s.done * 100) / s.total) : 100;
      const eta = etaMs === null ? '' : `, ETA ${seconds(etaMs)}s`;
      io.write(`${iso(now)} ${command}: ${s.phase} ${s.done}/${s.total} ${s.unit} (${pct}%), elapsed ${seconds(elapsedMs)}s${eta}${detailText(s.detail)}\n`);
    },
    log(message, fields = {}) {
      if (mode === 'json') {
        io.write(`${JSON.stringify({ time: new Date(io.now()).toISOString(), command, type: 'log', message, ...fields })}\n`);
        return;
      }
      line(`${iso(io.now())} ${command}: ${message}`);
    },
    end() {
      if (bars !== null) bars.stop();
      bars = null;
      phases.clear();
      ended = true;
    },
  };
}
