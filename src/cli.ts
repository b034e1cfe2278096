import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { checkCommand } from './commands/check.js';
import { doctorCommand } from './commands/doctor.js';
import { explainCommand, variantsCommand } from './commands/explain.js';
import { gradeCommand } from './commands/grade.js';
import { lintCommand } from './commands/lint.js';
import { listCommand } from './commands/list.js';
import { mergeCommand } from './commands/merge.js';
import { helpLang, say, withGlobals } from './commands/options.js';
import { yargsKo } from './commands/help-ko.js';
import { newCommand } from './commands/new.js';
import { probeCommand } from './commands/probe.js';
import { selftestCommand } from './commands/selftest.js';
import { UsageError, errorMessage } from './errors.js';
import { packageVersion } from './paths.js';

/** Exit codes: 0 and 1 are the grade; a usage error and a crash must stay apart for scripts and CI. */
const EXIT_USAGE = 2;
const EXIT_INTERNAL = 3;
const debug = process.argv.includes('--debug');
const lang = helpLang();

/** The whole message for people (every line of it); the stack only when asked for with --debug. */
function die(err: unknown): never {
  if (debug && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  const usage = err instanceof UsageError;
  const text = errorMessage(err).trimEnd();
  process.stderr.write(
    `docknet: ${usage ? '' : 'internal error: '}${text}${debug || usage ? '' : '\n(run with --debug for details)'}\n`,
  );
  process.exit(usage ? EXIT_USAGE : EXIT_INTERNAL);
}

async function main(): Promise<void> {
  await withGlobals(yargs(hideBin(process.argv)))
    .scriptName('docknet')
    // yargs would pick its words from LANG; they follow --lang like ours
    .locale(lang)
    .updateLocale(lang === 'ko' ? (yargsKo as Record<string, string>) : {})
    .usage(`$0 <command> [options]\n\n${say('Grades Docker networking lab exercises on a Docker engine.')}`)
    .command(checkCommand)
    .command(gradeCommand)
    .command(mergeCommand)
    .command(selftestCommand)
    .command(listCommand)
    .command(doctorCommand)
    .command(explainCommand)
    .command(variantsCommand)
    .command(probeCommand)
    .command(lintCommand)
    .command(newCommand)
    .completion('completion', say('print a shell completion script (bash, zsh): docknet completion >> ~/.bashrc'))
    .demandCommand(
      1,
      'name a command: check, list, explain, doctor, grade, merge, selftest, probe, lint, new or completion',
    )
    .recommendCommands()
    .strict()
    .help()
    // yargs looks for package.json beside the entry module, which the bundle is not
    .version(packageVersion)
    .fail((message, err) => {
      // yargs' own complaints (a YError, or only a message) are usage errors in its words; ours pass as they are
      if (err && err.name !== 'YError') throw err;
      throw new UsageError(`${message ?? errorMessage(err)} ${say('(docknet --help shows the usage)')}`);
    })
    .parseAsync();
}

// A reader that went away (`docknet grade … | head`, a terminal that hung up) must not
// stop a run before its probes are removed: what is written after that is dropped.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});

// Exit once the command is done: a request to a hung engine, abandoned at a time
// limit, must not hold the process open.
main().then(() => process.exit(), die);
