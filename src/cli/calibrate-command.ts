/**
 * `vngshift calibrate --trace FILE [--base eks|kwok|FILE] [-o timing.json]`: fits the rehearsal's timing figures to a real
 * run's trace (`run --trace-out`; a `simulate --trace-out` file too) and writes a timing file that `plan --timing` and
 * `simulate --timing` read. What is fitted, and from what: sim/calibrate.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { InputError } from '../model/errors.js';
import { fitTiming, parseTrace } from '../../sim/calibrate.js';
import { loadTiming, timingDocument } from '../../sim/timing-file.js';
import { resolveTiming } from '../../sim/timing.js';

interface CalibrateOptions {
  trace?: string;
  base: string;
  output?: string;
}

export function calibrateCommand(): Command {
  return new Command('calibrate')
    .description("fit the timing model to a real run's trace (run --trace-out) and write a timing file for plan/simulate --timing")
    .option('--trace <file>', 'the trace a run wrote with --trace-out (JSON lines)')
    .option('--base <model>', 'the figures the trace does not show come from this model: eks (default), kwok, or a timing file', 'eks')
    .option('-o, --output <file>', 'write the timing file here (default: standard output)')
    .action((opts: CalibrateOptions) => {
      if (opts.trace === undefined) throw new InputError('flag --trace', '', '', 'required: the trace file a run wrote with --trace-out');
      const base = loadTiming(opts.base);
      let text: string;
      try {
        text = readFileSync(opts.trace, 'utf8');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new InputError(opts.trace, '', '', code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(e)})`);
      }
      const { events, bad } = parseTrace(text);
      if (bad !== null) throw new InputError(opts.trace, `line ${bad.line}`, '', bad.problem);
      if (!events.some((e) => e.kind === 'batch.started')) {
        throw new InputError(opts.trace, '', '', 'no batch started in this trace: nothing to fit (expected the trace of run --trace-out)');
      }
      const fit = fitTiming(events, resolveTiming(base.timing));
      // The base model's figures, the fitted ones over them: the file stands alone.
      const timing = { ...base.timing, ...fit.timing };
      const doc = timingDocument(timing, fit.spread, `calibrate --trace ${opts.trace} --base ${base.source}`, fit.evidence);
      const json = `${JSON.stringify(doc, null, 2)}\n`;
      if (opts.output !== undefined) {
        try {
          writeFileSync(opts.output, json);
        } catch (e) {
          throw new InputError(opts.output, '', '', `cannot write the timing file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
        }
      } else process.stdout.write(json);
      const ev = fit.evidence;
      process.stderr.write(
        `calibrate: ${ev.batches} batch(es), ${ev.evictionGaps} eviction gaps (${ev.unthrottledGaps} below the rate limit); ` +
          `eviction ${String(fit.timing.evictLatencySeconds)} s, other request ${String(fit.timing.apiLatencySeconds)} s (${ev.patchGaps} patch gaps), ` +
          `${String(fit.timing.clientQps)} req/s burst ${String(fit.timing.clientBurst)}, ` +
          `replacement Ready in ${ev.replacementSeconds ?? '?'} s, batch cycle ${ev.batchCycleSeconds ?? '?'} s, spread ${fit.spread}` +
          `${ev.runSeconds !== null ? `; the run took ${ev.runSeconds} s` : ''}\n`,
      );
    });
}
