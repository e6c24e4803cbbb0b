/**
 * Node flags a command runs fastest with, which only a new process can take: V8 sizes its heap when the process starts
 * (v8.setFlagsFromString of a heap size later changes nothing). bin/vngshift.js asks relaunchFlags() before it loads the
 * commands; when it answers, the command runs again in a child process of the same node with those flags, and the first
 * process only waits for it and passes signals on.
 *
 * `simulate`: 128 MB semi-spaces from the start (by default V8 starts them small and grows them to 16 MB). A rehearsal of
 * thousands of nodes keeps what it allocates for a while (pods, their views, queue entries): with the default size most of
 * it outlived two scavenges and was copied into the old generation, and the scavenges grew with the cluster (30 s of the 116 s profile
 * of 5,000 nodes were the collector). Measured with `node [flags] dist-bench/bench/sim.js child 5000 30`: 92.8 s without,
 * 78.2 s with `--max-semi-space-size=64` (128: 77.5 s), peak RSS 3.54 and 3.44 GB (an earlier day). Starting at the size
 * too (`--min-semi-space-size`: no young generation growing through the world's build), 2026-12-07 evening, alternating:
 * 500 nodes 6.34-6.43 s against 6.59-6.63 s with max 64 alone (three runs each; peak RSS 823-828 MiB against 627-631), 5,000
 * nodes 69.0 s against 70.4 s, the first event 7.3 s against 9.5 s (one run each; peak RSS 3,647 against 3,229 MiB, inside
 * the 4 GiB target). `plan` and the live commands are not relaunched: measured no better (plan), or signals and ports would
 * have to pass through one more process (run).
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/** The node flags `vngshift simulate` runs with (bench/sim.ts runs its rehearsals with the same). */
export const SIMULATE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=128', '--min-semi-space-size=128'];

/** Set in the child's environment: a relaunched process never relaunches again. */
export const RELAUNCHED_ENV = 'VNGSHIFT_RELAUNCHED';

/**
 * Flags that must not run twice (a debugger's port, code given on the command line): with them, in node's own flags or in
 * NODE_OPTIONS (which the child would inherit), the command runs in place.
 */
const IN_PLACE = /^(--inspect|--debug|-e$|--eval|-p$|--print)/;

/** A node flag as node reads it: `--max_semi_space_size` and `--max-semi-space-size` are one flag. */
const flagName = (a: string): string => (a.startsWith('--') ? `--${a.slice(2).split('=')[0]?.replace(/_/g, '-') ?? ''}` : a);

/**
 * The node arguments to run the command again with, or null to run it in this process: the command is `simulate`, this
 * process is not the relaunched one, no debugger or inline code is given, and neither its own flags nor NODE_OPTIONS set
 * a semi-space size already.
 */
export function relaunchFlags(argv: readonly string[], execArgv: readonly string[], env: Readonly<Record<string, string | undefined>>): string[] | null {
  if (argv[0] !== 'simulate' || env[RELAUNCHED_ENV] === '1') return null;
  const options = (env['NODE_OPTIONS'] ?? '').split(/\s+/).filter((a) => a !== '');
  const given = [...execArgv, ...options];
  if (given.some((a) => IN_PLACE.test(a))) return null;
  if (given.some((a) => flagName(a) === '--max-semi-space-size' || flagName(a) === '--min-semi-space-size')) return null;
  return [...execArgv, ...SIMULATE_NODE_FLAGS];
}

/**
 * Runs `script` with `argv` in a child process of this node with `flags` (stdin, stdout and stderr its own), passing on the
 * signals that stop a command; resolves with its exit code. When a signal ended the child, this process ends by the same
 * signal (a shell loop around the command stops on Ctrl-C as it would without the second process); 128 + the signal's
 * number only if it is still alive after that.
 */
export function relaunch(flags: readonly string[], script: string, argv: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, script, ...argv], { stdio: 'inherit', env: { ...process.env, [RELAUNCHED_ENV]: '1' } });
    const forwarded = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    const pass = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    for (const s of forwarded) process.on(s, pass);
    child.once('error', (e) => {
      for (const s of forwarded) process.off(s, pass);
      reject(e);
    });
    child.once('exit', (code, signal) => {
      for (const s of forwarded) process.off(s, pass);
      if (signal !== null) process.kill(process.pid, signal);
      resolve(code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0)));
    });
  });
}
