/**
 * The AWS clients the live world uses (EC2, Auto Scaling), made the SDK's way: credentials from its default provider
 * chain (environment, shared config and credentials files with --profile, SSO, web identity as on EKS with IRSA or Pod
 * Identity, the instance role), region from --region or the SDK's own lookup (AWS_REGION, the profile), the SDK's standard
 * retry strategy (throttling and 5xx retried with backoff), and its endpoint settings (AWS_ENDPOINT_URL and the
 * service-specific variables; tests point them at moto's server).
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';

export interface AwsSettings {
  readonly region?: string;
  readonly profile?: string;
  /** An endpoint for every service (tests); the SDK's AWS_ENDPOINT_URL does the same from the environment. */
  readonly endpoint?: string;
  /** Attempts per call, the first included (the SDK's standard retry strategy). Default 5. */
  readonly maxAttempts?: number;
}

export interface AwsClients {
  readonly ec2: EC2Client;
  readonly autoscaling: AutoScalingClient;
  /** The region the clients resolved (from the settings or the SDK's lookup). */
  region(): Promise<string>;
  destroy(): void;
}

export function makeAwsClients(s: AwsSettings): AwsClients {
  // The SDK warns once per process that its releases after January 2027 need Node 22; vngshift supports Node 20, and the
  // warning would land in the middle of a run's output. Set the variable to "false" to see it.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const config = {
    ...(s.region !== undefined ? { region: s.region } : {}),
    ...(s.profile !== undefined ? { profile: s.profile } : {}),
    ...(s.endpoint !== undefined ? { endpoint: s.endpoint } : {}),
    maxAttempts: s.maxAttempts ?? 5,
    retryMode: 'standard',
  };
  const ec2 = new EC2Client(config);
  const autoscaling = new AutoScalingClient(config);
  return {
    ec2,
    autoscaling,
    region: async () => {
      const r = ec2.config.region;
      return typeof r === 'function' ? await r() : r;
    },
    destroy: () => {
      ec2.destroy();
      autoscaling.destroy();
    },
  };
}
