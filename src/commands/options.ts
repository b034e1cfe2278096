import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { TransportPolicy } from '../docker/client.js';
import { parse as parseYaml } from 'yaml';
import type { Lang } from '../engine/grader.js';
import type { GradingOptions } from '../engine/session.js';
import { UsageError, errorMessage } from '../errors.js';
import { describeKo } from './help-ko.js';

/** Options every command takes. */
export interface Globals {
  host?: string;
  insecure: boolean;
  'ssh-accept-new': boolean;
  context?: string;
  lang: Lang;
  debug: boolean;
  color: boolean;
  'api-timeout': number;
}

function defaultLang(env: NodeJS.ProcessEnv = process.env): Lang {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return locale.startsWith('ko') ? 'ko' : 'en';
}

/** The value of `--name V` or `--name=V` in argv, read before yargs parses: help text is written before it does. */
export function argvValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') return undefined;
    if (argv[i] === `--${name}`) return argv[i + 1];
    if (argv[i].startsWith(`--${name}=`)) return argv[i].slice(name.length + 3);
  }
  return undefined;
}

/** The language of help and of yargs' own messages: --lang, else DOCKNET_LANG, else the locale. */
export function helpLang(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Lang {
  const asked = argvValue(argv, 'lang') ?? env.DOCKNET_LANG;
  return asked === 'ko' || asked === 'en' ? asked : defaultLang(env);
}

const HELP_LANG = helpLang();

/** A description in the help language. */
export function say(en: string): string {
  return HELP_LANG === 'ko' ? (describeKo[en] ?? en) : en;
}

/** Colour as `--color`/`--no-color` say, else NO_COLOR, else FORCE_COLOR, else only on a terminal. */
export function decideColor(flag: boolean | undefined, env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (flag !== undefined) return flag;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTTY && env.TERM !== 'dumb';
}

/** Options that are a count of seconds or of points: a typo must not become NaN, 0 or a negative limit. */
const POSITIVE = ['api-timeout', 'check-timeout', 'student-timeout', 'solution-timeout', 'concurrency'];

/** yargs' check for every command: numbers that are numbers, in range. */
export function checkNumbers(argv: Record<string, unknown>): true {
  for (const name of POSITIVE) {
    const value = argv[name];
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      throw new UsageError(`--${name} must be a number above 0${Number.isNaN(value) ? '' : `, not ${String(value)}`}`);
    }
  }
  if (argv.concurrency !== undefined && !Number.isInteger(argv.concurrency))
    throw new UsageError('--concurrency must be a whole number of at least 1');
  const minScore = argv['min-score'];
  if (minScore !== undefined && !(typeof minScore === 'number' && Number.isFinite(minScore) && minScore >= 0)) {
    throw new UsageError(
      `--min-score must be a number of points, 0 or more${Number.isNaN(minScore) ? '' : `, not ${String(minScore)}`}`,
    );
  }
  return true;
}

export function withGlobals(y: Argv): Argv<Globals> {
  return y
    .option('host', {
      alias: 'H',
      type: 'string',
      describe: say('Docker engine address (default: DOCKER_HOST, else unix:///var/run/docker.sock)'),
    })
    .option('insecure', {
      type: 'boolean',
      default: false,
      describe: say('allow plain tcp:// (no TLS) to an engine on another machine'),
    })
    .option('ssh-accept-new', {
      type: 'boolean',
      default: false,
      describe: say('trust and record in ~/.ssh/known_hosts an SSH host key seen for the first time'),
    })
    .option('context', {
      type: 'string',
      describe: say('docker context to grade (default: DOCKER_CONTEXT, else `docker context use`)'),
    })
    .middleware((argv) => useContextOption(argv))
    .option('lang', {
      choices: ['en', 'ko'] as const,
      default: defaultLang(),
      describe: say('language of titles (default from LANG)'),
    })
    .option('color', {
      type: 'boolean',
      describe: say('colored output (default: on a terminal; NO_COLOR and FORCE_COLOR are honoured)'),
    })
    .middleware((argv) => {
      argv.color = decideColor(argv.color, process.env, process.stdout.isTTY === true);
    })
    .option('debug', { type: 'boolean', default: false, describe: say('print stack traces of errors') })
    .option('api-timeout', {
      type: 'number',
      default: 10,
      describe: say('seconds an Engine API call or probe command may take'),
    })
    .option('config', {
      type: 'string',
      describe: say('a YAML or JSON file of option values (default: docknet.config.yaml or .docknetrc here)'),
    })
    .check(checkNumbers) as Argv<Globals>;
}

/** The files a config is looked for in, in the working directory, in this order. */
export const CONFIG_FILES = ['docknet.config.yaml', 'docknet.config.yml', '.docknetrc'];

/** The option values of `--config FILE`, else of the first config file here; keys are the long option names. */
export function loadConfig(
  argv: readonly string[] = process.argv.slice(2),
  cwd = process.cwd(),
): Record<string, unknown> {
  const named = argvValue(argv, 'config') ?? process.env.DOCKNET_CONFIG;
  const file = named ?? CONFIG_FILES.map((f) => join(cwd, f)).find((f) => existsSync(f));
  if (file === undefined) return {};
  let values: unknown;
  try {
    values = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read the config file ${file}: ${errorMessage(err)}`);
  }
  if (values === null || values === undefined) return {};
  if (typeof values !== 'object' || Array.isArray(values))
    throw new UsageError(`the config file ${file} must hold option names and values, like "api-timeout: 20"`);
  return values as Record<string, unknown>;
}

/**
 * Option values from DOCKNET_<OPTION> variables (DOCKNET_API_TIMEOUT=20 is --api-timeout 20).
 * Read here rather than by yargs' own `.env()`: under `.strict()` that refuses every
 * DOCKNET_ variable that is not an option, and some are not (DOCKNET_STATE_DIR, say).
 */
export function envOptions(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env)
      .filter((e): e is [string, string] => e[0].startsWith('DOCKNET_') && e[1] !== undefined)
      .map(([name, value]) => [name.slice('DOCKNET_'.length).toLowerCase().replace(/_/g, '-'), value]),
  );
}

let config: Record<string, unknown> | undefined;

/**
 * The values of the config file and of DOCKNET_* variables (which win) for the options this
 * command takes; the command line wins over both. A key no option of it has is for another
 * command, or no option at all.
 */
function withConfig<T>(y: Argv<T>): Argv<T> {
  config ??= { ...loadConfig(), ...envOptions() };
  // getOptions is yargs' own (public, not in @types/yargs): `key` holds every option this command declared
  const known = new Set(
    Object.keys((y as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions().key),
  );
  return y.config(Object.fromEntries(Object.entries(config).filter(([key]) => known.has(key))));
}

/**
 * `--context NAME` is DOCKER_CONTEXT that also outranks DOCKER_HOST, as in the docker CLI.
 * It is set in the environment so a submitted solution's own docker commands reach the same engine.
 */
export function useContextOption(
  argv: { context?: string; host?: string },
  env: NodeJS.ProcessEnv = process.env,
): void {
  if (argv.context === undefined) return;
  if (argv.host !== undefined) throw new UsageError('give either --host or --context, not both');
  env.DOCKER_CONTEXT = argv.context;
  delete env.DOCKER_HOST;
}

/** A command as its module defines it: its own options, and what it does with them (the exit code). */
export function defineCommand<U>(spec: {
  command: string;
  describe: string;
  builder: (y: Argv<Globals>) => Argv<U>;
  run: (argv: ArgumentsCamelCase<U>) => Promise<number> | number;
}): CommandModule<Globals, U> {
  return {
    command: spec.command,
    describe: say(spec.describe),
    builder: (y) => withConfig(spec.builder(y)),
    handler: async (argv) => {
      process.exitCode = await spec.run(argv);
    },
  };
}

export function withExercises<T>(y: Argv<T>) {
  return y.positional('exercises', {
    type: 'string',
    array: true,
    default: [] as string[],
    describe: say('exercise ids (all when none is named)'),
  });
}

/** `--exercises DIR` (repeatable): an instructor's exercise folders, graded beside the package's; DOCKNET_EXERCISES adds more. */
export function withExerciseFolders<T>(y: Argv<T>) {
  return y
    .positional('exercise', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'exercise ids (all when none is named)',
    })
    .option('exercises', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: say("a folder of an instructor's exercises (<id>/exercise.yaml), also from DOCKNET_EXERCISES"),
    });
}

/** `--course-secret` (also DOCKNET_COURSE_SECRET or the config file): the key of every student's draw; no report prints it. */
export function withSecret<T>(y: Argv<T>) {
  return y.option('course-secret', {
    type: 'string',
    requiresArg: true,
    describe: say("the course's secret the students' variants are drawn with; never printed in a report"),
  });
}

/** `--student ID` (also DOCKNET_STUDENT): that student's variant of the exercises with params, else the canonical one. */
export function withStudent<T>(y: Argv<T>) {
  return withSecret(y)
    .option('student', {
      type: 'string',
      requiresArg: true,
      describe: say("use this student's variant of exercises with params (default: the course's canonical values)"),
    })
    .option('student-key', {
      type: 'string',
      requiresArg: true,
      describe: say("the student's own variant key, from their task sheet (instead of the course's secret)"),
    });
}

export function withCheckTimeout<T>(y: Argv<T>) {
  return y.option('check-timeout', { type: 'number', default: 30, describe: say('seconds one check may take') });
}

export function withReports<T>(y: Argv<T>, note = '') {
  return (
    y
      .option('json', {
        type: 'string',
        requiresArg: true,
        describe: `${note}${say('write the JSON report to this file')}`,
      })
      // --no-junit gives false: no JUnit report at all
      .option('junit', {
        type: 'string',
        requiresArg: true,
        default: 'reports/docknet-junit.xml',
        describe: `${note}${say('write the JUnit XML report to this file (--no-junit: none)')}`,
      }) as Argv<T & { json: string | undefined; junit: string | false }>
  );
}

/** `--bom`: Excel opens a CSV in the system's code page, so Korean names need the UTF-8 byte order mark. */
export function withBom<T>(y: Argv<T>, note = '') {
  return y.option('bom', {
    type: 'boolean',
    default: false,
    describe: `${note}${say('start gradebook.csv with a UTF-8 byte order mark, so Excel shows Korean names right')}`,
  });
}

/** Where Gradescope's harness reads the results of run_autograder. */
export const GRADESCOPE_RESULTS = '/autograder/results/results.json';

/** `--gradescope [PATH]`: Gradescope's results.json, at GRADESCOPE_RESULTS when no path is given. */
export function withGradescope<T>(y: Argv<T>, note = '') {
  return y.option('gradescope', {
    type: 'string',
    describe: `${note}${say("write Gradescope's results.json to this file (no file named: /autograder/results/results.json)")}`,
  });
}

/** `--classroom PATH`: GitHub Classroom's autograding results, for its grading reporter; "$GITHUB_ENV" in a workflow. */
export function withClassroom<T>(y: Argv<T>, note = '') {
  return y.option('classroom', {
    type: 'string',
    requiresArg: true,
    describe: `${note}${say("write GitHub Classroom's autograding results (one runner per check) to this file, e.g. $GITHUB_ENV")}`,
  });
}

/** The file --gradescope asked for; yargs gives an empty string when it had no value. */
export function gradescopePath(value: string | undefined): string | undefined {
  return value === undefined ? undefined : value || GRADESCOPE_RESULTS;
}

/** How the engine may be reached: --insecure, --ssh-accept-new. */
export function transportOf(argv: Pick<Globals, 'insecure' | 'ssh-accept-new'>): TransportPolicy {
  return { insecure: argv.insecure, sshAcceptNew: argv['ssh-accept-new'] };
}

export function gradingOptions(
  argv: Pick<Globals, 'api-timeout' | 'lang'> & { 'check-timeout': number },
): GradingOptions {
  return { apiTimeoutMs: argv['api-timeout'] * 1000, checkTimeoutMs: argv['check-timeout'] * 1000, lang: argv.lang };
}
