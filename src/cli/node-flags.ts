/**
 * The V8 flags the `vngshift` command starts Node with (bin/vngshift.js's first line, `env -S`; a unit test keeps the two
 * the same, and the benchmarks run the CLI's code with them).
 *
 * A young generation of 64 MB a semi-space instead of Node 20's 16 MB: a plan or a rehearsal allocates a few hundred MB a
 * second of objects that live for tens of milliseconds (snapshots, a pass's lists, a scale-up's views), which a small young
 * generation copies once or twice before they die. Measured with `--trace-gc` on the 500-node rehearsal (bench:sim's
 * child): see README.md, "Tests and benchmarks". The chaos workers get the same through their resourceLimits
 * (sim/chaos/parallel.ts). Run as `node bin/vngshift.js`, the flags are not applied: only speed differs.
 */
export const SEMI_SPACE_MB = 64;

export const CLI_NODE_FLAGS: readonly string[] = [`--max-semi-space-size=${SEMI_SPACE_MB}`];
