import { connect, resolveTarget } from '../docker/client.js';
import { buildFromBusybox, buildFromRegistry, findStaticBusybox, loadImageFile, PROBE_IMAGE, saveImageFile } from '../docker/probe-image.js';
import { accessSync, constants } from 'node:fs';
import { UsageError, errorMessage } from '../errors.js';

export interface ProbeArgs {
  action: 'build' | 'save' | 'load';
  file?: string;
  from?: 'busybox' | 'registry';
  busybox?: string;
  host?: string;
  apiTimeoutMs: number;
}

/** Makes the probe image available: offline from busybox, online from a registry, or from a tarball. */
export async function probeCommand(args: ProbeArgs): Promise<number> {
  const { docker, info } = await connect(resolveTarget(args.host), args.apiTimeoutMs);
  switch (args.action) {
    case 'build': {
      const busybox = args.busybox ?? (args.from === 'registry' ? undefined : findStaticBusybox(info.arch));
      if (busybox) await buildFromBusybox(docker, busybox);
      else if (args.from === 'busybox') throw new UsageError(`no static busybox for ${info.arch} here: apt-get install busybox-static, or pass --busybox PATH`);
      else await buildFromRegistry(docker);
      process.stdout.write(`built ${PROBE_IMAGE} from ${busybox ?? 'the registry'}\n`);
      return 0;
    }
    case 'save':
      await saveImageFile(docker, args.file!);
      process.stdout.write(`saved ${PROBE_IMAGE} to ${args.file}\n`);
      return 0;
    case 'load':
      try {
        accessSync(args.file!, constants.R_OK);
      } catch (err) {
        throw new UsageError(`cannot read ${args.file}: ${errorMessage(err)}`);
      }
      await loadImageFile(docker, args.file!);
      process.stdout.write(`loaded ${args.file}\n`);
      return 0;
  }
}
