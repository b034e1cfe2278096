// Runs a submitted solution: solution.sh, or else a compose file, in the submission's
// directory, in its own process group so a time limit or an interruption kills all of it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import type { SolutionRun } from '../engine/results.js';

const OUTPUT_LIMIT = 32 * 1024;
const SCRIPT = 'solution.sh';
const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

/** The command a submission directory asks for, or undefined when it holds no solution. */
export function solutionCommand(dir: string, project: string): string[] | undefined {
  if (existsSync(join(dir, SCRIPT))) return ['sh', '-eu', SCRIPT];
  const compose = COMPOSE_FILES.find((f) => existsSync(join(dir, f)));
  return compose ? ['docker', 'compose', '-p', project, '-f', compose, 'up', '-d'] : undefined;
}

/**
 * Runs the solution with a time limit. A solution that fails or hangs is still
 * graded: what it did by then is what the host shows.
 */
export async function runSolution(
  dir: string,
  argv: string[],
  timeoutMs: number,
  onStart: (kill: () => void) => void = () => {},
): Promise<SolutionRun> {
  const t0 = Date.now();
  const child = execa(argv[0], argv.slice(1), {
    cwd: dir,
    all: true,
    reject: false,
    stdin: 'ignore',
    detached: true, // its own process group: the script's children go with it
    maxBuffer: 64 * 1024 * 1024,
  });
  const killGroup = () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  onStart(killGroup);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, timeoutMs);
  const result = await child;
  clearTimeout(timer);
  killGroup(); // anything it left running in the background
  const all = String(result.all ?? '');
  return {
    command: argv.join(' '),
    ...(result.exitCode !== undefined && { exitCode: result.exitCode }),
    timedOut,
    output: all.length > OUTPUT_LIMIT ? `…${all.slice(-OUTPUT_LIMIT)}` : all,
    durationMs: Date.now() - t0,
  };
}
