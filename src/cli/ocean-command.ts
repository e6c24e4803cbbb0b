/**
 * `vngshift ocean export`: an Ocean cluster's VNGs (its launch specs, with the cluster's compute settings and the subnets'
 * zones) read from the Spot API and written as a VNG file that `--vngs` takes, for planning offline. The file is checked
 * with the same parser before it is written.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { loadCatalog } from '../catalog/catalog.js';
import { InputError } from '../model/errors.js';
import { parseVngText } from '../model/vng/parse-vngs.js';
import { oceanVngText, type OceanFlags } from './ocean-source.js';
import { withOceanFlags } from './plan-command.js';

interface ExportOptions extends OceanFlags {
  output?: string;
}

export function oceanCommand(): Command {
  const ocean = new Command('ocean').description("Spot Ocean: read a cluster's VNGs through the Spot API");
  const exportCmd = withOceanFlags(new Command('export').description("write an Ocean cluster's VNGs (launch specs) as a VNG file for --vngs"))
    .option('-o, --output <file>', 'where to write the VNG file (JSON); - for standard output', '-')
    .action(async (opts: ExportOptions) => {
      if (opts.oceanCluster === undefined) throw new InputError('flag --ocean-cluster', '', '', 'required: the Ocean cluster to read (o-...)');
      const read = await oceanVngText(opts);
      if (read === null) return;
      const { vngs } = parseVngText(read.text, read.source, loadCatalog());
      const output = opts.output ?? '-';
      if (output === '-') process.stdout.write(read.text);
      else {
        try {
          writeFileSync(`${output}.tmp`, read.text);
          renameSync(`${output}.tmp`, output);
        } catch (e) {
          throw new InputError(output, '', '', `cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
        }
      }
      process.stderr.write(`${read.source}: ${vngs.length} VNG(s) written to ${output === '-' ? 'standard output' : output}\n`);
    });
  ocean.addCommand(exportCmd.exitOverride());
  return ocean;
}
