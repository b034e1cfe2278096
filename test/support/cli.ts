import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { packageRoot } from '../../src/paths.js';

export const DOCKNET = join(packageRoot, 'bin', 'docknet.js');

/** Runs the real CLI as a separate process, the way people and CI run it. */
export function docknet(args: string[], env: Record<string, string> = {}): ResultPromise<{ reject: false; all: true }> {
  return execa('node', [DOCKNET, ...args], { reject: false, all: true, env: { NO_COLOR: '1', ...env } });
}
