import { availableParallelism } from 'node:os';
import { UsageError } from '../errors.js';
import { gradeRoster } from './grade-roster.js';
import { gradeOneSubmission } from './grade-submission.js';
import { gradeSubmissions } from './grade-submissions.js';
import { runCommand } from './lifecycle.js';
import {
  defineCommand,
  gradescopePath,
  gradingOptions,
  say,
  transportOf,
  withCheckTimeout,
  withExercises,
  withBom,
  withClassroom,
  withGradescope,
  withReports,
} from './options.js';

function parseShard(text: string): [number, number] | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) return undefined;
  const [index, count] = [Number(m[1]), Number(m[2])];
  return index >= 1 && index <= count ? [index, count] : undefined;
}

/** `grade` has three modes: a class's engines (--roster), one submitted solution (--submission), a batch of them (--submissions). */
export const gradeCommand = defineCommand({
  command: 'grade [exercises..]',
  describe:
    "grade a class (--roster: every student's engine), a submitted solution (--submission), or a batch of them (--submissions)",
  builder: (y) =>
    withBom(
      withClassroom(
        withGradescope(withReports(withCheckTimeout(withExercises(y)), '(--submission) '), '(--submission) '),
        '(--submission) ',
      ),
      '(--roster, --submissions) ',
    )
      .option('student', {
        type: 'string',
        requiresArg: true,
        describe: say("(--submission) grade this student's variant of exercises with params"),
      })
      .option('student-key', {
        type: 'string',
        requiresArg: true,
        describe: say("the student's own variant key, from their task sheet (instead of the course's secret)"),
      })
      .option('variants', {
        type: 'boolean',
        default: false,
        describe: say(
          '(--roster, --submissions) grade each student against their own variant: the roster id, or the submission directory name',
        ),
      })
      .option('course-secret', {
        type: 'string',
        requiresArg: true,
        describe: say("the course's secret the students' variants are drawn with; never printed in a report"),
      })
      .option('roster', {
        type: 'string',
        describe: say(
          'CSV or YAML file: id, name, endpoint, tls (directory of ca.pem, cert.pem, key.pem), identity (SSH key)',
        ),
      })
      .option('submission', {
        type: 'string',
        describe: say(
          "a directory holding solution.sh or a compose file: run it on this machine's engine, grade, put the host back",
        ),
      })
      .option('submissions', {
        type: 'string',
        describe: say('a directory of submission directories, graded one after another'),
      })
      .option('out', {
        type: 'string',
        default: 'reports/class',
        describe: say('(--roster, --submissions) directory for the gradebook, summary and per-student reports'),
      })
      .option('concurrency', {
        type: 'number',
        default: 8,
        describe: say('(--roster) students graded at the same time'),
      })
      .option('student-timeout', {
        type: 'number',
        default: 180,
        describe: say("(--roster) seconds one student's grading may take in all"),
      })
      .option('resume', {
        type: 'boolean',
        default: false,
        describe: say('(--roster) grade only students whose result in --out is missing or not fully graded'),
      })
      .option('shard', {
        type: 'string',
        describe: say(
          '(--submissions) I/N: grade only the I-th of N slices, for a CI matrix; docknet merge joins them',
        ),
      })
      .option('solution-timeout', {
        type: 'number',
        default: 120,
        describe: say('(--submission, --submissions) seconds a solution may run'),
      })
      .option('sandbox', {
        type: 'boolean',
        default: true,
        describe: say(
          "(--submission, --submissions) run each solution in a throwaway sandbox; --no-sandbox runs it on this machine and puts the host back (a student's own laptop)",
        ),
      })
      .option('jobs', {
        type: 'number',
        default: availableParallelism(),
        describe: say('(--submissions) sandboxes graded at once (default: the number of cores)'),
      })
      .option('images', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: say(
          "(--submission, --submissions) images a solution may use, copied from this machine's engine into each sandbox (never pulled)",
        ),
      })
      .option('markdown', {
        type: 'string',
        describe: say('(--submission, --submissions) write a Markdown summary, e.g. to $GITHUB_STEP_SUMMARY'),
      })
      .option('min-score', {
        type: 'number',
        describe: say('(--submission) exit 0 at or above this score, 1 below it'),
      })
      .check((argv) => {
        const modes = [argv.roster, argv.submission, argv.submissions].filter((m) => m !== undefined);
        if (modes.length !== 1) throw new UsageError('give exactly one of --roster, --submission or --submissions');
        // a class's students each get a results.json in --out already
        if (argv.gradescope !== undefined && argv.submission === undefined)
          throw new UsageError('--gradescope is for --submission (--roster writes one results.json per student)');
        if (argv.classroom !== undefined && argv.submission === undefined)
          throw new UsageError('--classroom is for --submission: GitHub Classroom grades one repository per run');
        if (!(Number.isInteger(argv.concurrency) && argv.concurrency >= 1))
          throw new UsageError('--concurrency must be a whole number of at least 1');
        if (!(Number.isInteger(argv.jobs) && argv.jobs >= 1))
          throw new UsageError('--jobs must be a whole number of at least 1');
        if (argv.shard !== undefined && parseShard(argv.shard) === undefined)
          throw new UsageError('--shard must be I/N with 1 ≤ I ≤ N, e.g. 2/4');
        return true;
      }),
  run: (argv) =>
    runCommand(async (life) => {
      const common = {
        ...gradingOptions(argv),
        exercises: argv.exercises,
        lang: argv.lang,
        host: argv.host,
        solutionTimeoutMs: argv.solutionTimeout * 1000,
        markdown: argv.markdown,
        color: argv.color,
        sandbox: argv.sandbox,
        images: argv.images,
        student: argv.student,
        variants: argv.variants,
        secret: argv.courseSecret,
        studentKey: argv.studentKey,
      };
      if (argv.submission !== undefined) {
        return gradeOneSubmission(
          {
            ...common,
            dir: argv.submission,
            json: argv.json,
            junit: argv.junit,
            minScore: argv.minScore,
            gradescope: gradescopePath(argv.gradescope),
            classroom: argv.classroom,
          },
          life,
        );
      }
      if (argv.submissions !== undefined) {
        return gradeSubmissions(
          {
            ...common,
            dir: argv.submissions,
            out: argv.out,
            shard: argv.shard === undefined ? undefined : parseShard(argv.shard),
            jobs: argv.jobs,
            bom: argv.bom,
          },
          life,
        );
      }
      return gradeRoster(
        {
          ...common,
          roster: argv.roster!,
          out: argv.out,
          concurrency: argv.concurrency,
          studentTimeoutMs: argv.studentTimeout * 1000,
          resume: argv.resume,
          bom: argv.bom,
          transport: transportOf(argv),
        },
        life,
      );
    }),
});
