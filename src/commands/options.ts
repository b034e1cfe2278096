import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { Lang } from '../engine/check.js';
import type { GradingOptions } from '../engine/session.js';

/** Options every command takes. */
export interface Globals {
  host?: string;
  lang: Lang;
  debug: boolean;
  'api-timeout': number;
}

function defaultLang(env: NodeJS.ProcessEnv = process.env): Lang {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return locale.startsWith('ko') ? 'ko' : 'en';
}

export function withGlobals(y: Argv): Argv<Globals> {
  return y
    .option('host', { alias: 'H', type: 'string', describe: 'Docker engine address (default: DOCKER_HOST, else unix:///var/run/docker.sock)' })
    .option('lang', { choices: ['en', 'ko'] as const, default: defaultLang(), describe: 'language of titles (default from LANG)' })
    .option('debug', { type: 'boolean', default: false, describe: 'print stack traces of errors' })
    .option('api-timeout', { type: 'number', default: 10, describe: 'seconds an Engine API call or probe command may take' });
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
    describe: spec.describe,
    builder: spec.builder,
    handler: async (argv) => {
      process.exitCode = await spec.run(argv);
    },
  };
}

export function withExercises<T>(y: Argv<T>) {
  return y.positional('exercises', { type: 'string', array: true, default: [] as string[], describe: 'exercise ids (all when none is named)' });
}

/** `--exercises DIR` (repeatable): an instructor's exercise folders, graded beside the package's; DOCKNET_EXERCISES adds more. */
export function withExerciseFolders<T>(y: Argv<T>) {
  return y
    .positional('exercise', { type: 'string', array: true, default: [] as string[], describe: 'exercise ids (all when none is named)' })
    .option('exercises', { type: 'string', array: true, default: [] as string[], describe: "a folder of an instructor's exercises (<id>/exercise.yaml), also from DOCKNET_EXERCISES" });
}

export function withCheckTimeout<T>(y: Argv<T>) {
  return y.option('check-timeout', { type: 'number', default: 30, describe: 'seconds one check may take' });
}

export function withReports<T>(y: Argv<T>, note = '') {
  return y
    .option('json', { type: 'string', describe: `${note}write the JSON report to this file` })
    .option('junit', { type: 'string', default: 'reports/docknet-junit.xml', describe: `${note}write the JUnit XML report to this file` });
}

export function gradingOptions(argv: Pick<Globals, 'api-timeout' | 'lang'> & { 'check-timeout': number }): GradingOptions {
  return { apiTimeoutMs: argv['api-timeout'] * 1000, checkTimeoutMs: argv['check-timeout'] * 1000, lang: argv.lang };
}
