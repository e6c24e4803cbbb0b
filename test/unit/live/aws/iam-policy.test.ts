/**
 * docs/iam-policy.json grants every AWS call src/live/aws makes and nothing broader: the reads on every resource, the
 * terminating calls only on resources tagged for the cluster.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface Statement {
  Action: string | string[];
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

const policy = JSON.parse(readFileSync('docs/iam-policy.json', 'utf8')) as { Statement: Statement[] };
const granted = policy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).map((a) => ({ action: a, s })));

/** The IAM actions the AWS adapters call: each SDK command they send or page through (and the InstanceTerminated waiter's DescribeInstances). */
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
      'ec2:DescribeInstanceTypeOfferings',
      'ec2:DescribeInstanceTypes',
      'ec2:DescribeInstances',
      'ec2:DescribeSpotPriceHistory',
      'ec2:DescribeSubnets',
      'ec2:TerminateInstances',
    ]);
    expect(granted.map((g) => g.action).sort()).toEqual(called);
  });

  it('lets the terminating calls act only on resources tagged for the cluster', () => {
    for (const g of granted) {
      if (g.action.includes('Describe')) continue;
      expect(g.s.Resource).not.toBe('*');
      expect(g.s.Condition?.['Null']?.['aws:ResourceTag/kubernetes.io/cluster/CLUSTER_NAME']).toBe('false');
    }
  });
});
