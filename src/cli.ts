import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { checkCommand } from './commands/check.js';
import { doctorCommand } from './commands/doctor.js';
import { explainCommand } from './commands/explain.js';
import { gradeCommand } from './commands/grade.js';
import { lintCommand } from './commands/lint.js';
import { listCommand } from './commands/list.js';
import { mergeCommand } from './commands/merge.js';
import { newCommand } from './commands/new.js';
import { withGlobals } from './commands/options.js';
import { probeCommand } from './commands/probe.js';
import { selftestCommand } from './commands/selftest.js';
import { UsageError, errorMessage } from './errors.js';

const EXIT_USAGE = 2;
const debug = process.argv.includes('--debug');

/** One clear line for people; the stack only when asked for with --debug. */
function die(err: unknown): never {
  if (debug && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  const prefix = err instanceof UsageError ? '' : 'internal error: ';
  process.stderr.write(`docknet: ${prefix}${errorMessage(err).split('\n')[0]}${debug || err instanceof UsageError ? '' : ' (run with --debug for details)'}\n`);
  process.exit(EXIT_USAGE);
}

async function main(): Promise<void> {
  await withGlobals(yargs(hideBin(process.argv)))
    .scriptName('docknet')
    .usage('$0 <command> [options]\n\nGrades Docker networking lab exercises on a Docker engine.')
    .command(checkCommand)
    .command(gradeCommand)
    .command(mergeCommand)
    .command(selftestCommand)
    .command(listCommand)
    .command(doctorCommand)
    .command(explainCommand)
    .command(probeCommand)
    .command(lintCommand)
    .command(newCommand)
    .demandCommand(1, 'name a command: check, list, explain, doctor, grade, merge, selftest, probe, lint or new')
    .strict()
    .help()
    .fail((message, err) => {
      if (err) throw err;
      throw new UsageError(`${message} (docknet --help shows the usage)`);
    })
    .parseAsync();
}

// A reader that went away (`docknet grade … | head`, a terminal that hung up) must not
// stop a run before its probes are removed: what is written after that is dropped.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});

// Exit once the command is done: a request to a hung engine, abandoned at a time
// limit, must not hold the process open.
main().then(() => process.exit(), die);
