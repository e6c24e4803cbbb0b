import { readFileSync } from 'node:fs';
import { loadCatalog } from '../../../src/catalog/catalog.js';
import { parseClusterText } from '../../../src/model/kube/index.js';
import { parseVngText } from '../../../src/model/vng/parse-vngs.js';
import { DEFAULT_PARAMS } from '../../../src/model/params.js';
import { buildPlan } from '../../../src/planner/plan.js';
import { simulate } from '../../../sim/simulate.js';
import { parseFault } from '../../../sim/faults.js';

const catalog = loadCatalog();
const cluster = parseClusterText(readFileSync('test/fixtures/small-cluster.yaml', 'utf8'), 'c');
const { vngs } = parseVngText(readFileSync('test/fixtures/vngs/basic.json', 'utf8'), 'v', catalog);
const plan = buildPlan({ cluster, vngs, catalog, params: { ...DEFAULT_PARAMS } });
const faults = (process.argv[2] ?? '').split(' ').filter(Boolean).map((f) => parseFault(f));
const r = await simulate({ cluster, vngs, catalog, plan, seed: 1, faults });
for (const e of r.events) console.log(JSON.stringify(e));
console.log(JSON.stringify({ ...r, events: r.events.length }, null, 1));
