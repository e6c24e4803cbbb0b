/**
 * docs/iam-policy.json grants every AWS call src/live/aws makes and nothing broader: the reads on every resource, the
 * terminating calls only on resources tagged for the cluster, launches only of instances tagged for the cluster and a
 * migration as they are launched, and tagging only at launch.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface Statement {
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
}

const policy = JSON.parse(readFileSync('docs/iam-policy.json', 'utf8')) as { Statement: Statement[] };
const granted = policy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).map((a) => ({ action: a, s })));

/**
 * The IAM actions the AWS adapters call: each SDK command they send or page through (and the InstanceTerminated waiter's
 * DescribeInstances, and CreateTags for tags given at launch).
 */
function calledActions(): string[] {
  const dir = 'src/live/aws';
  const out = new Set<string>();
  for (const f of readdirSync(dir)) {
    const text = readFileSync(join(dir, f), 'utf8');
    for (const m of text.matchAll(/(?:new (\w+)Command\(|paginate(\w+)\()/g)) {
      const name = (m[1] ?? m[2]) as string;
      const service = /AutoScaling/.test(name) ? 'autoscaling' : 'ec2';
      out.add(`${service}:${name}`);
    }
    if (text.includes('waitUntilInstanceTerminated')) out.add('ec2:DescribeInstances');
    if (text.includes('TagSpecifications')) out.add('ec2:CreateTags');
  }
  return [...out].sort();
}

describe('docs/iam-policy.json', () => {
  it('grants every call the AWS adapters make, and no other action', () => {
    const called = calledActions();
    expect(called).toEqual([
      'autoscaling:DescribeAutoScalingGroups',
      'autoscaling:TerminateInstanceInAutoScalingGroup',
      'autoscaling:UpdateAutoScalingGroup',
      'ec2:CreateTags',
      'ec2:DescribeInstanceTypeOfferings',
      'ec2:DescribeInstanceTypes',
      'ec2:DescribeInstances',
      'ec2:DescribeSpotPriceHistory',
      'ec2:DescribeSubnets',
      'ec2:RunInstances',
      'ec2:TerminateInstances',
    ]);
    expect([...new Set(granted.map((g) => g.action))].sort()).toEqual(called);
  });

  it('lets the terminating calls act only on resources tagged for the cluster', () => {
    for (const g of granted) {
      if (g.action.includes('Describe') || g.action === 'ec2:RunInstances' || g.action === 'ec2:CreateTags') continue;
      expect(g.s.Resource).not.toBe('*');
      expect(g.s.Condition?.['Null']?.['aws:ResourceTag/kubernetes.io/cluster/CLUSTER_NAME']).toBe('false');
    }
  });

  it('launches only instances tagged for the cluster and a migration, from launch templates; tags only at launch', () => {
    const runs = granted.filter((g) => g.action === 'ec2:RunInstances').map((g) => g.s);
    const onInstances = runs.filter((s) => s.Resource === 'arn:aws:ec2:*:*:instance/*');
    expect(onInstances).toHaveLength(1);
    expect(onInstances[0]?.Condition?.['StringEquals']?.['aws:RequestTag/kubernetes.io/cluster/CLUSTER_NAME']).toBe('owned');
    expect(onInstances[0]?.Condition?.['Null']?.['aws:RequestTag/vngshift.io/migration-id']).toBe('false');
    // The other resources a launch touches are named by type, never '*'.
    for (const s of runs) for (const r of Array.isArray(s.Resource) ? s.Resource : [s.Resource]) expect(r).toMatch(/^arn:aws:ec2:\*:\*?:[a-z-]+\/\*$/);
    const tags = granted.filter((g) => g.action === 'ec2:CreateTags').map((g) => g.s);
    expect(tags).toHaveLength(1);
    expect(tags[0]?.Condition?.['StringEquals']?.['ec2:CreateAction']).toBe('RunInstances');
  });
});
