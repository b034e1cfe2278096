import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { packageRoot } from '../../src/paths.js';
import { docknet } from '../support/cli.js';

const EXAMPLES = join(packageRoot, 'examples');
const NOWHERE = '/nonexistent/docknet-example';

/** Every docknet command line in a CI file, with its variables filled in and its paths pointing nowhere. */
function docknetCommands(text: string): string[][] {
  const commands: string[][] = [];
  const visit = (node: unknown) => {
    if (typeof node === 'string') {
      for (const line of node.split(/\n(?!\s*--)/)) {
        const at = line.indexOf('bin/docknet.js');
        if (at < 0) continue;
        const args = line
          .slice(at + 'bin/docknet.js'.length)
          .replace(/^"/, '')
          .replace(/\|\|.*$/, '')
          .replace(/\$\{\{ matrix\.shard \}\}/g, '1')
          .replace(/"\$PASS_MARK"/g, '40')
          .replace(/"\$GITHUB_STEP_SUMMARY"/g, `${NOWHERE}/summary.md`)
          .trim()
          .split(/\s+/)
          .map((a) => (a === '.' || /^(submissions|class(-\d)?)$/.test(a) ? NOWHERE : a));
        commands.push(args);
      }
    } else if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') Object.values(node).forEach(visit);
  };
  visit(parse(text));
  return commands;
}

/** The CI templates in examples/ call docknet with options it has: each call gets as far as the missing submission. */
describe('CI templates in examples/', () => {
  for (const file of readdirSync(EXAMPLES).filter((f) => f.endsWith('.yml'))) {
    it(`${file} is YAML whose docknet commands parse`, async () => {
      const commands = docknetCommands(readFileSync(join(EXAMPLES, file), 'utf8'));
      expect(commands, 'docknet commands').to.not.be.empty;
      for (const args of commands) {
        const run = await docknet(args);
        expect(run.exitCode, `${args.join(' ')}: ${run.all}`).to.equal(2);
        expect(run.all, args.join(' ')).to.match(
          /is not a directory|cannot read the submissions|is not the output of a docknet run/,
        );
      }
    });
  }

  // Least privilege: the solution runs as root in these jobs, so they hold no token it could use, and run only code fixed by its hash.
  for (const file of readdirSync(EXAMPLES).filter((f) => f.startsWith('github-'))) {
    it(`${file} reads the repository only, keeps no credentials and pins every action to a commit`, () => {
      const text = readFileSync(join(EXAMPLES, file), 'utf8');
      const workflow = parse(text) as {
        permissions?: unknown;
        jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, unknown> }> }>;
      };
      expect(workflow.permissions).to.deep.equal({ contents: 'read' });
      const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
      const uses = steps.flatMap((step) => (step.uses ? [step.uses] : []));
      expect(uses).to.not.be.empty;
      for (const action of uses) expect(action, action).to.match(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      for (const line of text.split('\n').filter((l) => /uses: /.test(l)))
        expect(line, 'the version the hash stands for').to.match(/@[0-9a-f]{40} # v\d+(\.\d+\.\d+)?$/);
      const checkouts = steps.filter((step) => step.uses?.startsWith('actions/checkout@'));
      for (const checkout of checkouts) expect(checkout.with?.['persist-credentials']).to.equal(false);
    });
  }

  it('github-classroom.yml runs the solution in a job that can write nothing, and reports from another', () => {
    const workflow = parse(readFileSync(join(EXAMPLES, 'github-classroom.yml'), 'utf8')) as {
      jobs: Record<string, { permissions?: Record<string, string>; steps: Array<{ run?: string; uses?: string }> }>;
    };
    const grading = Object.values(workflow.jobs).filter((job) => job.steps.some((s) => s.run?.includes('docknet')));
    expect(grading).to.have.length(1);
    expect(grading[0].permissions ?? {}, 'inherits contents: read only').to.deep.equal({});
    const reporting = Object.values(workflow.jobs).find((job) =>
      job.steps.some((s) => s.uses?.startsWith('classroom-resources/autograding-grading-reporter@')),
    );
    expect(reporting?.permissions).to.include({ checks: 'write' });
    expect(reporting!.steps.some((s) => s.run?.includes('docknet.js'))).to.equal(false);
  });

  it('gitlab-ci.yml names no fixed /tmp path', () => {
    expect(readFileSync(join(EXAMPLES, 'gitlab-ci.yml'), 'utf8')).to.not.include('/tmp/');
  });
});

/** The docknet command lines of a shell script, its engine and submission pointing nowhere and its results into `results`. */
function scriptCommands(text: string, results: string): string[][] {
  return text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('docknet '))
    .map((line) =>
      line
        .slice('docknet '.length)
        .replace(/"\$ENDPOINT"/g, `unix://${NOWHERE}/docker.sock`)
        .replace(/\/autograder\/submission\b/g, NOWHERE)
        .replace(/--gradescope(?=\s|$)/, `--gradescope ${results}`)
        .split(/\s+/),
    );
}

/** Gradescope's run_autograder scripts call docknet with options it has, and a run that cannot grade still leaves results.json. */
describe('Gradescope autograders in examples/gradescope/', () => {
  const root = join(EXAMPLES, 'gradescope');
  for (const setup of readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()))
    it(`${setup.name}/run_autograder's docknet commands parse`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'docknet-gradescope-'));
      try {
        const results = join(dir, 'results.json');
        const commands = scriptCommands(readFileSync(join(root, setup.name, 'run_autograder'), 'utf8'), results);
        expect(commands, 'docknet commands').to.not.be.empty;
        for (const args of commands) {
          const run = await docknet(args);
          expect(run.exitCode, `${args.join(' ')}: ${run.all}`).to.equal(2);
          expect(run.all, args.join(' ')).to.not.match(/Unknown argument|Not enough arguments|internal error/i);
          if (args[0] === 'check') {
            const written = JSON.parse(readFileSync(results, 'utf8'));
            expect(written).to.not.have.any.keys('score', 'tests');
            expect(written.output).to.match(/^docknet could not grade: /);
          }
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
});
