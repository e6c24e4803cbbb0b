/**
 * One seed drives every fast-check property in a run, so CI is reproducible; set FC_SEED to explore other seeds
 * (a failure prints the seed and the path to replay it).
 */
import fc from 'fast-check';

const seed = Number(process.env['FC_SEED'] ?? 20261125);
fc.configureGlobal({ seed, verbose: 1 });
