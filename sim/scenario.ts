/**
 * Scenario files: a cluster (a kubectl List file, inline objects, or a generator spec), VNGs, migration parameters, timing
 * overrides, faults with times, a seed, and the expected outcome. Validated with the same one-line errors as every input.
 */
import { dirname, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../src/model/errors.js';
import { parseYamlDocument } from '../src/model/yaml-input.js';
import { FAILURE_CODES } from '../src/model/failures.js';
import { schemaFieldPath } from '../src/model/schema-path.js';

const fileOrInline = z.union([
  z.object({ file: z.string().min(1) }).strict(),
  z.object({ inline: z.unknown() }).strict(),
]);

const clusterSource = z.union([
  z.object({ file: z.string().min(1) }).strict(),
  z.object({ inline: z.unknown() }).strict(),
  z.object({ generate: z.record(z.string(), z.unknown()), seed: z.number().int().optional() }).strict(),
]);

const faultEntry = z.union([
  z.string().min(1),
  z.object({ kind: z.string().min(1), at: z.number().nonnegative() }).catchall(z.union([z.string(), z.number(), z.boolean()])),
]);

export const scenarioSchema = z
  .object({
    apiVersion: z.literal('vngshift.io/v1alpha1'),
    kind: z.literal('Scenario'),
    name: z.string().min(1),
    description: z.string().optional(),
    cluster: clusterSource,
    vngs: fileOrInline,
    params: z.record(z.string(), z.unknown()).optional(),
    timing: z.record(z.string(), z.number()).optional(),
    engine: z.record(z.string(), z.number()).optional(),
    faults: z.array(faultEntry).optional(),
    seed: z.number().int().nonnegative().optional(),
    maxSeconds: z.number().positive().optional(),
    expect: z
      .object({
        status: z.enum(['Completed', 'Failed', 'Stopped']),
        failure: z.union([z.enum(FAILURE_CODES as [string, ...string[]]), z.null()]).optional(),
        planFeasible: z.boolean().optional(),
        predictedFailure: z.union([z.enum(FAILURE_CODES as [string, ...string[]]), z.null()]).optional(),
      })
      .strict(),
  })
  .strict();

export type ScenarioDoc = z.infer<typeof scenarioSchema>;

export interface Scenario {
  readonly file: string;
  readonly dir: string;
  readonly doc: ScenarioDoc;
}

export function parseScenarioText(text: string, file: string): Scenario {
  const raw = parseYamlDocument(text, file);
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = (issue !== undefined ? schemaFieldPath(issue.path) : '');
    const name = typeof raw === 'object' && raw !== null && 'name' in raw ? String((raw as { name: unknown }).name) : '';
    let problem = issue?.message ?? 'invalid';
    if (issue?.code === 'unrecognized_keys') problem = `unknown field(s) ${issue.keys.join(', ')}`;
    if (issue?.code === 'invalid_union') problem = `${problem}; see docs/scenarios.md for the accepted forms`;
    throw new InputError(file, name === '' ? 'Scenario' : `Scenario ${name}`, path, problem);
  }
  return { file, dir: dirname(resolve(file)), doc: parsed.data };
}

export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(file, '', '', code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(e)})`);
  }
  return parseScenarioText(text, file);
}

/** Reads a file a scenario names, relative to the scenario's folder. */
export function readScenarioFile(s: Scenario, field: string, path: string): { file: string; text: string } {
  const full = resolve(s.dir, path);
  try {
    return { file: path, text: readFileSync(full, 'utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(s.file, `Scenario ${s.doc.name}`, field, `${path}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(e)})`}`);
  }
}
