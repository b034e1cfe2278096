import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { checkCommand } from './commands/check.js';
import { gradeCommand } from './commands/grade.js';
import { selftestCommand } from './commands/selftest.js';
import { mergeCommand, submissionCommand, submissionsCommand } from './commands/submission.js';
import { doctorCommand } from './commands/doctor.js';
import { explainCommand } from './commands/explain.js';
import { listCommand } from './commands/list.js';
import { probeCommand } from './commands/probe.js';
import type { Lang } from './engine/exercise.js';
import { UsageError, errorMessage } from './errors.js';

const EXIT_USAGE = 2;
const debug = process.argv.includes('--debug');

function defaultLang(): Lang {
  const locale = process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG || '';
  return locale.startsWith('ko') ? 'ko' : 'en';
}

function parseShard(text: string): [number, number] | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) return undefined;
  const [index, count] = [Number(m[1]), Number(m[2])];
  return index >= 1 && index <= count ? [index, count] : undefined;
}

/** One clear line for people; the stack only when asked for with --debug. */
function die(err: unknown): never {
  if (debug && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  const prefix = err instanceof UsageError ? '' : 'internal error: ';
  process.stderr.write(`docknet: ${prefix}${errorMessage(err).split('\n')[0]}${debug || err instanceof UsageError ? '' : ' (run with --debug for details)'}\n`);
  process.exit(EXIT_USAGE);
}

async function main(): Promise<void> {
  const finish = (code: number) => {
    process.exitCode = code;
  };
  await yargs(hideBin(process.argv))
    .scriptName('docknet')
    .usage('$0 <command> [options]\n\nGrades Docker networking lab exercises on a Docker engine.')
    .option('host', { alias: 'H', type: 'string', describe: 'Docker engine address (default: DOCKER_HOST, else unix:///var/run/docker.sock)' })
    .option('insecure', { type: 'boolean', default: false, describe: 'allow plain tcp:// (no TLS) to an engine on another machine' })
    .option('ssh-accept-new', { type: 'boolean', default: false, describe: 'trust and record in ~/.ssh/known_hosts an SSH host key seen for the first time' })
    .option('lang', { choices: ['en', 'ko'] as const, default: defaultLang(), describe: 'language of titles (default from LANG)' })
    .option('debug', { type: 'boolean', default: false, describe: 'print stack traces of errors' })
    .option('api-timeout', { type: 'number', default: 10, describe: 'seconds an Engine API call or probe command may take' })
    .command(
      'check [exercises..]',
      'grade exercises on the engine (all when none is named)',
      (y) =>
        y
          .positional('exercises', { type: 'string', array: true, default: [] as string[] })
          .option('json', { type: 'string', describe: 'write the JSON report to this file' })
          .option('junit', { type: 'string', default: 'reports/docknet-junit.xml', describe: 'write the JUnit XML report to this file' })
          .option('check-timeout', { type: 'number', default: 30, describe: 'seconds one check may take' })
          .option('watch', { type: 'boolean', default: false, describe: 'grade again whenever containers or networks change (and DOCKER-USER, read every 2 s), until Ctrl-C' }),
      async (argv) =>
        finish(
          await checkCommand({
            watch: argv.watch,
            exercises: argv.exercises,
            host: argv.host,
            transport: { insecure: argv.insecure, sshAcceptNew: argv['ssh-accept-new'] },
            json: argv.json,
            junit: argv.junit,
            lang: argv.lang,
            apiTimeoutMs: argv['api-timeout'] * 1000,
            checkTimeoutMs: argv['check-timeout'] * 1000,
          }),
        ),
    )
    .command(
      'grade [exercises..]',
      "grade a class (--roster: every student's engine), a submitted solution (--submission), or a batch of them (--submissions)",
      (y) =>
        y
          .positional('exercises', { type: 'string', array: true, default: [] as string[] })
          .option('roster', { type: 'string', describe: 'CSV or YAML file: id, name, endpoint, tls (directory of ca.pem, cert.pem, key.pem), identity (SSH key)' })
          .option('submission', { type: 'string', describe: "a directory holding solution.sh or a compose file: run it on this machine's engine, grade, put the host back" })
          .option('submissions', { type: 'string', describe: 'a directory of submission directories, graded one after another' })
          .option('out', { type: 'string', default: 'reports/class', describe: '(--roster, --submissions) directory for the gradebook, summary and per-student reports' })
          .option('concurrency', { type: 'number', default: 8, describe: '(--roster) students graded at the same time' })
          .option('student-timeout', { type: 'number', default: 180, describe: "(--roster) seconds one student's grading may take in all" })
          .option('resume', { type: 'boolean', default: false, describe: '(--roster) grade only students whose result in --out is missing or not fully graded' })
          .option('shard', { type: 'string', describe: '(--submissions) I/N: grade only the I-th of N slices, for a CI matrix; docknet merge joins them' })
          .option('solution-timeout', { type: 'number', default: 120, describe: '(--submission, --submissions) seconds a solution may run' })
          .option('json', { type: 'string', describe: '(--submission) write the JSON result to this file' })
          .option('junit', { type: 'string', default: 'reports/docknet-junit.xml', describe: '(--submission) JUnit XML report' })
          .option('markdown', { type: 'string', describe: '(--submission, --submissions) write a Markdown summary, e.g. to $GITHUB_STEP_SUMMARY' })
          .option('min-score', { type: 'number', describe: '(--submission) exit 0 at or above this score, 1 below it' })
          .option('check-timeout', { type: 'number', default: 30, describe: 'seconds one check may take' })
          .check((argv) => {
            const modes = [argv.roster, argv.submission, argv.submissions].filter((m) => m !== undefined);
            if (modes.length !== 1) throw new Error('give exactly one of --roster, --submission or --submissions');
            if (!(Number.isInteger(argv.concurrency) && argv.concurrency >= 1)) throw new Error('--concurrency must be a whole number of at least 1');
            if (argv.shard !== undefined && parseShard(argv.shard) === undefined) throw new Error('--shard must be I/N with 1 ≤ I ≤ N, e.g. 2/4');
            return true;
          }),
      async (argv) => {
        const common = {
          exercises: argv.exercises,
          lang: argv.lang,
          host: argv.host,
          apiTimeoutMs: argv['api-timeout'] * 1000,
          checkTimeoutMs: argv['check-timeout'] * 1000,
          solutionTimeoutMs: argv['solution-timeout'] * 1000,
          markdown: argv.markdown,
        };
        if (argv.submission !== undefined) {
          return finish(await submissionCommand({ ...common, dir: argv.submission, json: argv.json, junit: argv.junit, minScore: argv['min-score'] }));
        }
        if (argv.submissions !== undefined) {
          return finish(await submissionsCommand({ ...common, dir: argv.submissions, out: argv.out, shard: argv.shard === undefined ? undefined : parseShard(argv.shard) }));
        }
        finish(
          await gradeCommand({
            ...common,
            roster: argv.roster!,
            out: argv.out,
            concurrency: argv.concurrency,
            studentTimeoutMs: argv['student-timeout'] * 1000,
            resume: argv.resume,
            transport: { insecure: argv.insecure, sshAcceptNew: argv['ssh-accept-new'] },
          }),
        );
      },
    )
    .command(
      'merge <dirs..>',
      'join the output directories of --shard runs into one gradebook',
      (y) =>
        y
          .positional('dirs', { type: 'string', array: true, demandOption: true })
          .option('out', { type: 'string', demandOption: true, describe: 'directory for the merged gradebook and reports' }),
      async (argv) => finish(await mergeCommand({ out: argv.out, dirs: argv.dirs })),
    )
    .command(
      'selftest [exercises..]',
      "check the graders against the fixtures on this machine's engine: an empty host, the correct states, each broken one",
      (y) =>
        y
          .positional('exercises', { type: 'string', array: true, default: [] as string[] })
          .option('check-timeout', { type: 'number', default: 30, describe: 'seconds one check may take' }),
      async (argv) => finish(await selftestCommand({ exercises: argv.exercises, apiTimeoutMs: argv['api-timeout'] * 1000, checkTimeoutMs: argv['check-timeout'] * 1000 })),
    )
    .command(
      'list',
      'the exercises, with your current score on each when an engine answers',
      (y) => y.option('offline', { type: 'boolean', default: false, describe: 'only list them, without grading' }),
      async (argv) =>
        finish(await listCommand({ lang: argv.lang, host: argv.host, offline: argv.offline, apiTimeoutMs: argv['api-timeout'] * 1000, checkTimeoutMs: 30_000 })),
    )
    .command('doctor', "what is on the engine and what looks wrong: networks, containers, overlapping subnets, names that cannot resolve, DOCKER-USER order; no traffic sent", {}, async (argv) =>
      finish(await doctorCommand({ host: argv.host as string | undefined, apiTimeoutMs: (argv['api-timeout'] as number) * 1000 })),
    )
    .command('explain <exercise>', 'what an exercise asks for, and what each check is worth', (y) => y.positional('exercise', { type: 'string', demandOption: true }), (argv) =>
      finish(explainCommand(argv.exercise, argv.lang)),
    )
    .command('probe <action> [file]', 'make the probe image: build it, or save/load it as a tarball for air-gapped rooms', (y) =>
      y
        .positional('action', { choices: ['build', 'save', 'load'] as const, demandOption: true })
        .positional('file', { type: 'string', describe: 'tarball to save to or load from' })
        .option('from', { choices: ['busybox', 'registry'] as const, describe: 'build from a static busybox here, or from the registry' })
        .option('busybox', { type: 'string', describe: 'path of a statically linked busybox to build from' })
        .check((argv) => {
          if (argv.action !== 'build' && !argv.file) throw new Error(`probe ${argv.action} needs a FILE`);
          return true;
        }),
      async (argv) =>
        finish(await probeCommand({ action: argv.action, file: argv.file, from: argv.from, busybox: argv.busybox, host: argv.host, apiTimeoutMs: argv['api-timeout'] * 1000 })),
    )
    .demandCommand(1, 'name a command: check, list, explain, doctor, grade, merge, selftest or probe')
    .strict()
    .help()
    .fail((message, err) => {
      if (err) throw err;
      throw new UsageError(`${message} (docknet --help shows the usage)`);
    })
    .parseAsync();
}

// A reader that went away (`docknet grade … | head`) must not stop a run before its
// probes are removed: what is written after that is dropped.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

// Exit once the command is done: a request to a hung engine, abandoned at a time
// limit, must not hold the process open.
main().then(() => process.exit(), die);
