import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's own folder (holding package.json), wherever the compiled code runs from. */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (pkg.name === 'docknet-grader') return dir;
    } catch {
      // not this folder: keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the docknet-grader package folder');
    dir = parent;
  }
}

export const packageRoot = findPackageRoot();
export const exercisesDir = join(packageRoot, 'exercises');
export const packageVersion: string = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).version;
