// docknet's own records on this machine: which images it built or loaded, and which
// containers its runs created. They are private to the user docknet runs as (root:
// /var/lib/docknet), so nothing on a graded engine, a tag or a label, can forge them.
import { mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DOCKNET_STATE_DIR) return env.DOCKNET_STATE_DIR;
  if (process.getuid?.() === 0) return '/var/lib/docknet';
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'docknet');
}

/**
 * A folder of the state directory, made if missing (0700). One that others may write
 * to, or that another user owns, proves nothing and is refused.
 */
export function privateDir(...parts: string[]): string {
  const dir = join(stateDir(), ...parts);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = statSync(dir);
  const uid = process.getuid?.();
  if ((uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0) {
    throw new Error(
      `docknet's state directory ${dir} is writable by others or owned by another user; fix its owner and mode (0700)`,
    );
  }
  return dir;
}
