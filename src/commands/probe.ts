import type Docker from 'dockerode';
import { connect, resolveTarget, type TransportPolicy } from '../docker/client.js';
import {
  buildFromBusybox,
  buildFromRegistry,
  findStaticBusybox,
  loadImageFile,
  PROBE_IMAGE,
  saveImageFile,
} from '../docker/probe-image.js';
import { accessSync, constants } from 'node:fs';
import { UsageError, errorMessage } from '../errors.js';
import { defineCommand, say, transportOf } from './options.js';

export const probeCommand = defineCommand({
  command: 'probe <action> [file]',
  describe: 'make the probe image: build it, or save/load it as a tarball for air-gapped rooms',
  builder: (y) =>
    y
      .positional('action', { choices: ['build', 'save', 'load'] as const, demandOption: true })
      .positional('file', { type: 'string', describe: say('tarball to save to or load from') })
      .option('from', {
        choices: ['busybox', 'registry'] as const,
        describe: say('build from a static busybox here, or from the registry'),
      })
      .option('busybox', { type: 'string', describe: say('path of a statically linked busybox to build from') })
      .check((argv) => {
        if (argv.action !== 'build' && !argv.file) throw new UsageError(`probe ${argv.action} needs a FILE`);
        return true;
      }),
  run: (argv) =>
    probe({
      action: argv.action,
      file: argv.file,
      from: argv.from,
      busybox: argv.busybox,
      host: argv.host,
      transport: transportOf(argv),
      apiTimeoutMs: argv.apiTimeout * 1000,
    }),
});

interface ProbeArgs {
  action: 'build' | 'save' | 'load';
  file?: string;
  from?: 'busybox' | 'registry';
  busybox?: string;
  host?: string;
  transport: TransportPolicy;
  apiTimeoutMs: number;
}

/** Makes the probe image available: offline from busybox, online from a registry, or from a tarball. */
async function probe(args: ProbeArgs): Promise<number> {
  const engine = await connect(resolveTarget(args.host, process.env, args.transport), args.apiTimeoutMs);
  try {
    return await make(engine.docker, engine.info.arch, args);
  } finally {
    engine.close();
  }
}

async function make(docker: Docker, arch: string | undefined, args: ProbeArgs): Promise<number> {
  switch (args.action) {
    case 'build': {
      const busybox = args.busybox ?? (args.from === 'registry' ? undefined : findStaticBusybox(arch));
      if (busybox) await buildFromBusybox(docker, busybox);
      else if (args.from === 'busybox')
        throw new UsageError(
          `no static busybox for ${arch} here: apt-get install busybox-static, or pass --busybox PATH`,
        );
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
