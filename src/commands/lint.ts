import { codeGraderIds } from '../../graders/index.js';
import { exerciseDirsIn, lintExercise } from '../engine/lint.js';
import { UsageError } from '../errors.js';
import { defineCommand, say } from './options.js';
import { basename } from 'node:path';
import { existsSync } from 'node:fs';

/** `docknet lint DIR`: exit 0 when every exercise folder in DIR is sound, 1 with each problem's file and line otherwise. */
export const lintCommand = defineCommand({
  command: 'lint <dir>',
  describe: say(
    "check an instructor's exercise folders (exercise.yaml against the check vocabulary, README.md) before grading with them",
  ),
  builder: (y) =>
    y.positional('dir', {
      type: 'string',
      demandOption: true,
      describe: say('a folder of exercises, or one exercise folder'),
    }),
  run: (argv) => {
    if (!existsSync(argv.dir)) throw new UsageError(`${argv.dir} does not exist`);
    const dirs = exerciseDirsIn(argv.dir);
    if (dirs.length === 0) throw new UsageError(`${argv.dir} holds no exercise folder (<id>/exercise.yaml)`);
    const problems = dirs.flatMap((d) => lintExercise(d, codeGraderIds.includes(basename(d))));
    process.stdout.write(
      problems.length === 0
        ? `${dirs.length} exercise${dirs.length === 1 ? '' : 's'}: no problems\n`
        : `${problems.join('\n')}\n`,
    );
    return problems.length === 0 ? 0 : 1;
  },
});
