// The sandbox's figures for `npm run bench`: what a sandbox costs by itself (start and
// destroy, its dockerd included, with no solution), and how a batch's wall time falls
// with --jobs 4 against --jobs 1, on the 16-submission batch built from the fixtures.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { DEFAULT_LIMITS, Sandbox } from '../src/sandbox/sandbox.js';
import { writeFixtureBatch } from '../test/support/batch.js';
import { DOCKNET } from '../test/support/cli.js';
import { FIXTURE_IMAGE } from '../test/support/engine.js';

const SANDBOX_RUNS = Number(process.env.BENCH_SANDBOX_RUNS ?? 7);

export interface SandboxFigures {
  /** seconds per start plus destroy */
  sandbox: number[];
  /** wall seconds of the whole batch */
  jobs1: number;
  jobs4: number;
}

export async function benchSandbox(): Promise<SandboxFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'docknet-bench-sandbox-'));
  try {
    const submission = join(dir, 'submission');
    mkdirSync(submission);
    writeFileSync(join(submission, 'solution.sh'), 'true\n');
    const sandbox: number[] = [];
    for (let i = 0; i < SANDBOX_RUNS; i++) {
      const t0 = Date.now();
      const s = await Sandbox.start({ submission, argv: ['true'], hide: [], limits: DEFAULT_LIMITS });
      await s.destroy();
      sandbox.push((Date.now() - t0) / 1000);
    }
    const submissions = join(dir, 'submissions');
    writeFixtureBatch(submissions);
    const batch = async (jobs: number) => {
      const t0 = Date.now();
      const args = ['grade', '--submissions', submissions, '--out', join(dir, `out-${jobs}`)];
      const run = await execa(
        'node',
        [DOCKNET, ...args, '--solution-timeout', '12', '--images', FIXTURE_IMAGE, '--jobs', String(jobs)],
        { reject: false, env: { NO_COLOR: '1' } },
      );
      if (run.exitCode !== 0)
        throw new Error(`the batch with --jobs ${jobs}: exit code ${run.exitCode}:\n${run.stderr}`);
      const seconds = (Date.now() - t0) / 1000;
      process.stderr.write(`bench: 16-submission batch, --jobs ${jobs}: ${seconds.toFixed(2)} s\n`);
      return seconds;
    };
    return { sandbox, jobs1: await batch(1), jobs4: await batch(4) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
