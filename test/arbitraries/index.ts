/**
 * Every fast-check arbitrary of the test suite, in one place: clusters, VNGs, migration parameters and mutated inputs for the
 * planner properties (cluster.ts); generated worlds, fault schedules and interleaving shapes for the simulation and engine
 * properties (sim.ts); solve() inputs as classes of identical pods for the packing properties (packing.ts).
 */
export * from './cluster.js';
export * from './sim.js';
export * from './packing.js';
