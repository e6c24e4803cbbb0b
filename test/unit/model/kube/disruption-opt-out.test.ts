import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../../../../src/model/params.js';
import { disruptionOptOut, disruptionOptOutsOf, honouredOptOut, optOutText } from '../../../../src/model/kube/disruption-opt-out.js';

const pod = (annotations: Record<string, string>, labels: Record<string, string> = {}) => ({ annotations, labels });

describe('disruption opt-outs', () => {
  it('reads the keys with the exact values Karpenter, cluster-autoscaler and Ocean compare', () => {
    expect(disruptionOptOutsOf(pod({ 'karpenter.sh/do-not-disrupt': 'true' }))).toEqual(['karpenter.sh/do-not-disrupt']);
    expect(disruptionOptOutsOf(pod({ 'karpenter.sh/do-not-disrupt': 'True' }))).toEqual([]);
    expect(disruptionOptOutsOf(pod({ 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' }))).toEqual(['cluster-autoscaler.kubernetes.io/safe-to-evict']);
    expect(disruptionOptOutsOf(pod({ 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true' }))).toEqual([]);
    expect(disruptionOptOutsOf(pod({}, { 'spotinst.io/restrict-scale-down': 'true' }))).toEqual(['spotinst.io/restrict-scale-down']);
    // Ocean reads a label, not an annotation.
    expect(disruptionOptOutsOf(pod({ 'spotinst.io/restrict-scale-down': 'true' }))).toEqual([]);
  });

  it('honours the annotations by respectDoNotDisrupt and the label by respectRestrictScaleDown; defaults honour both', () => {
    const both = disruptionOptOutsOf(pod({ 'karpenter.sh/do-not-disrupt': 'true' }, { 'spotinst.io/restrict-scale-down': 'true' }));
    expect(honouredOptOut(both, DEFAULT_PARAMS)).toBe('karpenter.sh/do-not-disrupt');
    expect(honouredOptOut(both, { respectDoNotDisrupt: false, respectRestrictScaleDown: true })).toBe('spotinst.io/restrict-scale-down');
    expect(honouredOptOut(both, { respectDoNotDisrupt: true, respectRestrictScaleDown: false })).toBe('karpenter.sh/do-not-disrupt');
    expect(honouredOptOut(both, { respectDoNotDisrupt: false, respectRestrictScaleDown: false })).toBeNull();
    expect(disruptionOptOut(pod({}), DEFAULT_PARAMS)).toBeNull();
    // A state saved before these parameters existed lacks them: they count as their default, true.
    expect(honouredOptOut(both, {} as never)).toBe('karpenter.sh/do-not-disrupt');
  });

  it('words each key as the pod carries it', () => {
    expect(optOutText('cluster-autoscaler.kubernetes.io/safe-to-evict')).toBe('annotation cluster-autoscaler.kubernetes.io/safe-to-evict: "false"');
    expect(optOutText('spotinst.io/restrict-scale-down')).toBe('label spotinst.io/restrict-scale-down: "true"');
  });
});

describe('the parameters respectDoNotDisrupt and respectRestrictScaleDown', () => {
  it('default to true, are read from a --params file, and --no-... flags turn them off for plan, simulate and run', async () => {
    const { Command } = await import('commander');
    const { withMigrationFlags } = await import('../../../../src/cli/migration-flags.js');
    const { paramsFrom } = await import('../../../../src/cli/plan-command.js');
    const { parseParams } = await import('../../../../src/model/params.js');
    expect(parseParams({}, 'f')).toMatchObject({ respectDoNotDisrupt: true, respectRestrictScaleDown: true });
    expect(parseParams({ respectDoNotDisrupt: false, respectRestrictScaleDown: false }, 'f')).toMatchObject({ respectDoNotDisrupt: false, respectRestrictScaleDown: false });
    expect(() => parseParams({ respectRestrictScaleDown: 'no' }, 'f')).toThrow(/respectRestrictScaleDown/);
    const flags = (argv: string[]) => {
      const cmd = withMigrationFlags(new Command()).exitOverride();
      cmd.parse(argv, { from: 'user' });
      return paramsFrom({ ...cmd.opts(), output: 'text' });
    };
    expect(flags([])).toMatchObject({ respectDoNotDisrupt: true, respectRestrictScaleDown: true });
    expect(flags(['--no-respect-do-not-disrupt'])).toMatchObject({ respectDoNotDisrupt: false, respectRestrictScaleDown: true });
    expect(flags(['--no-respect-restrict-scale-down'])).toMatchObject({ respectDoNotDisrupt: true, respectRestrictScaleDown: false });
  });
});
