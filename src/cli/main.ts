/** The vngshift command line. Bad input prints one line and exits 1; nothing else prints a stack trace unless VNGSHIFT_DEBUG is set. */
import { Command, CommanderError } from 'commander';
import { InputError } from '../model/errors.js';
import { dropInputNotices, flushInputNotices } from './inputs.js';
import { calibrateCommand } from './calibrate-command.js';
import { catalogCommand } from './catalog-command.js';
import { chaosCommand } from './chaos-command.js';
import { oceanCommand } from './ocean-command.js';
import { planCommand } from './plan-command.js';
import { runCommand } from './run-command.js';
import { simulateCommand } from './simulate-command.js';
import { snapshotCommand } from './snapshot-command.js';
import { statusCommand } from './status-command.js';
import { stopCommand } from './stop-command.js';

export function program(): Command {
  const p = new Command('vngshift')
    .description('Plan, rehearse and run the move of Kubernetes workloads onto Spot Ocean VNGs or autoscaled node groups')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  p.addCommand(planCommand().exitOverride());
  p.addCommand(simulateCommand().exitOverride());
  p.addCommand(chaosCommand().exitOverride());
  p.addCommand(runCommand().exitOverride());
  p.addCommand(statusCommand().exitOverride());
  p.addCommand(stopCommand().exitOverride());
  p.addCommand(snapshotCommand().exitOverride());
  p.addCommand(oceanCommand().exitOverride());
  p.addCommand(catalogCommand().exitOverride());
  p.addCommand(calibrateCommand().exitOverride());
  return p;
}

export async function main(argv: readonly string[]): Promise<number> {
  process.exitCode = 0;
  try {
    await program().parseAsync([...argv], { from: 'user' });
    flushInputNotices();
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    dropInputNotices();
    if (e instanceof CommanderError) {
      // help and version are not errors; commander already printed its one-line message for the others
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : 1;
    }
    if (e instanceof InputError) {
      process.stderr.write(`vngshift: error: ${e.message}\n`);
      return 1;
    }
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`vngshift: internal error: ${msg.split('\n')[0]} (set VNGSHIFT_DEBUG=1 for details)\n`);
    if (process.env['VNGSHIFT_DEBUG']) process.stderr.write(`${e instanceof Error ? e.stack : ''}\n`);
    return 70;
  }
}
