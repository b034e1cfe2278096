// Process and memory limits for one sandbox, as cgroups: RLIMIT_NPROC does not bind
// root, a pids cgroup does. The sandbox gets one cgroup per controller (v1) or one in
// the unified tree (v2), and its solution a child with a tighter pids.max, so a fork
// bomb cannot starve the sandbox's own dockerd.
import { existsSync, mkdirSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = '/sys/fs/cgroup';

export interface SandboxCgroups {
  /** where the sandbox's first process enrols itself */
  sandbox: string[];
  /** where the solution's first process enrols itself */
  solution: string[];
  /** the sandbox's dockerd puts its containers' cgroups under this one */
  parent: string;
  /** true when none is left */
  remove(): boolean;
}

export interface CgroupLimits {
  memoryMb: number;
  pids: number;
  solutionPids: number;
}

/** Makes the cgroups, or returns undefined where this machine gives no writable pids controller. */
export function makeCgroups(name: string, limits: CgroupLimits): SandboxCgroups | undefined {
  const v2 = existsSync(join(ROOT, 'cgroup.controllers'));
  const dirs = v2 ? [join(ROOT, name)] : [join(ROOT, 'pids', name), join(ROOT, 'memory', name)];
  if (!v2 && !existsSync(join(ROOT, 'pids'))) return undefined;
  const remove = () => removeCgroups(name);
  try {
    for (const dir of dirs) {
      mkdirSync(dir);
      mkdirSync(join(dir, 'solution'));
    }
    const write = (dir: string, file: string, value: number) => writeFileSync(join(dir, file), String(value));
    if (v2) {
      const dir = dirs[0];
      write(dir, 'pids.max', limits.pids);
      write(join(dir, 'solution'), 'pids.max', limits.solutionPids);
      write(dir, 'memory.max', limits.memoryMb * 1024 * 1024);
    } else {
      write(dirs[0], 'pids.max', limits.pids);
      write(join(dirs[0], 'solution'), 'pids.max', limits.solutionPids);
      write(dirs[1], 'memory.limit_in_bytes', limits.memoryMb * 1024 * 1024);
    }
  } catch {
    remove();
    return undefined;
  }
  return { sandbox: dirs, solution: dirs.map((d) => join(d, 'solution')), parent: `/${name}`, remove };
}

/**
 * Removes a sandbox's cgroups, as far as they are empty: in the unified tree, or under every v1
 * controller, where dockerd makes `name` for its containers. True when none is left.
 */
export function removeCgroups(name: string): boolean {
  const v2 = existsSync(join(ROOT, 'cgroup.controllers'));
  let controllers: string[];
  try {
    controllers = v2 ? [''] : readdirSync(ROOT);
  } catch {
    return true;
  }
  return controllers.map((c) => removeTree(join(ROOT, c, name))).every(Boolean);
}

// A cgroup goes only once empty, deepest first; dockerd may have made children for its containers.
function removeTree(dir: string): boolean {
  let entries: string[];
  try {
    entries = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    return true; // not there (or never was)
  }
  for (const child of entries) removeTree(join(dir, child));
  try {
    rmdirSync(dir);
    return true;
  } catch {
    return false; // still holds a dying process
  }
}
