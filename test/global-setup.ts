/** Builds the CLI once before any test file runs, so tests that spawn bin/vngshift.js run the code under test. */
import { spawnSync } from 'node:child_process';

export default function setup(): void {
  const r = spawnSync('npm', ['run', 'build'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}\n${r.stderr}`);
}
