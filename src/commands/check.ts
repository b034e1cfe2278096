import { allPassed, forStudents } from '../engine/results.js';
import { GradingSession } from '../engine/session.js';
import { atomicWrite } from '../atomic-file.js';
import { gradescopeFailure } from '../report/gradescope.js';
import { reportersFor, writeClassroomFailure, writeReports } from '../report/outputs.js';
import { runCommand } from './lifecycle.js';
import {
  defineCommand,
  gradescopePath,
  gradingOptions,
  say,
  transportOf,
  withCheckTimeout,
  withExerciseFolders,
  withClassroom,
  withGradescope,
  withReports,
  withStudent,
} from './options.js';
import { selectExercises } from './select.js';
import { watch } from './watch.js';

/** Grades the engine and writes the reports: exit 0 when every check passed, 1 otherwise. */
export const checkCommand = defineCommand({
  command: 'check [exercise..]',
  describe: say('grade exercises on the engine (all when none is named)'),
  builder: (y) =>
    withStudent(withClassroom(withGradescope(withReports(withCheckTimeout(withExerciseFolders(y))))))
      .option('watch', {
        type: 'boolean',
        default: false,
        describe: say(
          'grade again whenever containers or networks change (and DOCKER-USER, read every 2 s), until Ctrl-C',
        ),
      })
      .option('html', {
        type: 'string',
        requiresArg: true,
        describe: say('write this run as a web page (one self-contained file) to this file'),
      }),
  run: (argv) =>
    runCommand(async (life) => {
      const options = gradingOptions(argv);
      const exercises = selectExercises(
        argv.exercise,
        argv.lang,
        { student: argv.student, secret: argv['course-secret'], studentKey: argv['student-key'] },
        argv.exercises,
      );
      const gradescope = gradescopePath(argv.gradescope);
      const started = Date.now();
      const grade = async () => {
        const session = await life.open(() =>
          GradingSession.open(argv.host, {
            apiTimeoutMs: options.apiTimeoutMs,
            probeImage: true,
            transport: transportOf(argv),
            onImage: (line) => process.stderr.write(`docknet: ${line}\n`),
          }),
        );
        if (argv.watch) return watch(session, exercises, options, life);
        // No report is written for a run that did not finish: `race` gives up once the probes are gone.
        return life.race(() => session.grade(exercises, options));
      };
      let unredacted: Awaited<ReturnType<typeof grade>>;
      try {
        unredacted = await grade();
      } catch (err) {
        // Gradescope shows the student why, as a failed autograder run rather than a zero; the error still ends the run.
        if (!life.signal) {
          const why = err instanceof Error ? err.message : String(err);
          if (gradescope !== undefined) await atomicWrite(gradescope, gradescopeFailure(why, Date.now() - started));
          if (argv.classroom !== undefined) await writeClassroomFailure(argv.classroom, why);
        }
        throw err;
      }
      if (typeof unredacted === 'number') return unredacted;

      const report = forStudents(unredacted, argv.lang);
      const outputs = {
        json: argv.json,
        junit: argv.junit || undefined,
        gradescope,
        classroom: argv.classroom,
        html: argv.html,
        lang: argv.lang,
        console: { lang: argv.lang, color: argv.color },
      };
      await writeReports(reportersFor(outputs), { kind: 'report', report, unredacted });
      return allPassed(report) ? 0 : 1;
    }),
});
