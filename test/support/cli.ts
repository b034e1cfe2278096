import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { packageRoot } from '../../src/paths.js';

export const DOCKNET = join(packageRoot, 'bin', 'docknet.js');

/** Runs the real CLI as a separate process, the way people and CI run it. */
export function docknet(args: string[], env: Record<string, string> = {}): ResultPromise<{ reject: false; all: true }> {
  // A slow cleanup after a signal is still a cleanup: execa's own SIGKILL after 5 s would cut it short and hide what it did.
  return execa('node', [DOCKNET, ...args], {
    reject: false,
    all: true,
    forceKillAfterDelay: 60_000,
    env: { NO_COLOR: '1', ...env },
  });
}
