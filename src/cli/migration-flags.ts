/**
 * The migration parameters as command-line flags (Ocean's names), shared by plan, simulate and run so the three read them
 * the same way; `paramsFrom` (inputs.ts) turns them into MigrationParams.
 */
import type { Command } from 'commander';

export function withMigrationFlags(cmd: Command): Command {
  return cmd
    .option('--params <file>', 'migration parameters file (YAML/JSON, Ocean field names); flags override it')
    .option('--nodes <selector>', 'old nodes to migrate, as a label selector (e.g. eks.amazonaws.com/nodegroup=old); default all')
    .option('--node-names <names>', 'old nodes to migrate, by name (comma separated)')
    .option('--instance-ids <ids>', 'old nodes to migrate, by EC2 instance id (comma separated)')
    .option('--batch-size-percentage <n|auto>', 'share of old nodes per batch, 1-100, or auto (Ocean default 20)')
    .option('--batch-min-healthy-percentage <n>', "share of a batch's pods Ready before the next batch (default 50)")
    .option('--respect-pdb', 'respect PodDisruptionBudgets when evicting (default)')
    .option('--no-respect-pdb', 'evict without regard to PodDisruptionBudgets')
    .option('--force-pod-eviction-on-pdb-failure', 'delete pods a PDB keeps blocking after the drain threshold')
    .option('--should-evict-stand-alone-pods', 'evict pods that have no controller (they are not recreated)')
    .option('--no-should-terminate-drained-nodes', 'leave drained old instances running')
    .option('--respect-do-not-disrupt', 'keep pods annotated karpenter.sh/do-not-disrupt or safe-to-evict "false", and their nodes (default)')
    .option('--no-respect-do-not-disrupt', 'evict pods annotated karpenter.sh/do-not-disrupt or safe-to-evict "false" anyway')
    .option('--respect-restrict-scale-down', 'keep pods labelled spotinst.io/restrict-scale-down, and their nodes (Ocean default)')
    .option('--no-respect-restrict-scale-down', 'evict pods labelled spotinst.io/restrict-scale-down anyway')
    .option('--drain-time-threshold <duration>', 'pods still unscheduled or unready after this fail the migration (default 15m)')
    .option('--batch-time-budget <duration>', 'time budget of one batch (default 30m)')
    .option('--cordon-all-at-start', 'cordon every selected old node when the migration starts, so a pod moves once (default)')
    .option('--no-cordon-all-at-start', 'cordon old nodes batch by batch only (pods of early batches may land on later ones and move twice)')
    .option('--allow-architecture-change', 'let pods without an arch constraint move to another CPU architecture (multi-arch images)');
}
