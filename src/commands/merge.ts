import { readdirSync } from 'node:fs';
import { cp, mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { writeClassFiles } from '../class/output.js';
import type { ExerciseColumn, StudentResult } from '../engine/results.js';
import type { Student } from '../class/roster.js';
import type { Lang } from '../engine/grader.js';
import { UsageError, errorMessage } from '../errors.js';
import { defineCommand, say, withBom } from './options.js';
import { selectSubmissions } from './submission-common.js';

export const mergeCommand = defineCommand({
  command: 'merge <dirs..>',
  describe: 'join the output directories of --shard runs into one gradebook',
  builder: (y) =>
    withBom(
      y.positional('dirs', { type: 'string', array: true, demandOption: true }).option('out', {
        type: 'string',
        demandOption: true,
        describe: say('directory for the merged gradebook and reports'),
      }),
    ),
  run: (argv) => merge({ out: argv.out, dirs: argv.dirs, lang: argv.lang, bom: argv.bom }),
});

/** Combines the output directories of shards into one, as if one machine had graded them all. */
async function merge(args: { out: string; dirs: string[]; lang: Lang; bom: boolean }): Promise<number> {
  const results = new Map<string, StudentResult>();
  const sources = new Map<string, string>();
  for (const dir of args.dirs) {
    let entries: string[];
    try {
      entries = readdirSync(join(dir, 'students'));
    } catch (err) {
      throw new UsageError(`${dir} is not the output of a docknet run: ${errorMessage(err)}`);
    }
    for (const slug of entries) {
      let result: StudentResult;
      try {
        result = JSON.parse(await readFile(join(dir, 'students', slug, 'result.json'), 'utf8')) as StudentResult;
      } catch {
        continue; // a student whose grading did not finish there
      }
      if (results.has(result.student.id))
        throw new UsageError(
          `${result.student.id} was graded in more than one of the directories (${sources.get(result.student.id)} and ${dir})`,
        );
      results.set(result.student.id, result);
      sources.set(result.student.id, join(dir, 'students', slug));
    }
  }
  if (results.size === 0) throw new UsageError('the directories hold no graded students');
  const all = [...results.values()];
  const exerciseIds = all[0].exercises.map((e) => e.id).join();
  if (all.some((r) => r.exercises.map((e) => e.id).join() !== exerciseIds))
    throw new UsageError('the directories graded different exercises and cannot make one gradebook');
  const columns: ExerciseColumn[] = all[0].exercises.map((e) => ({ id: e.id, maxScore: e.maxScore }));
  const roster: Student[] = selectSubmissions([...results.keys()]).map((id) => {
    const r = results.get(id)!;
    return {
      id,
      name: r.student.name,
      endpoint: r.student.where,
      where: r.student.where,
      credentials: {},
      slug: basename(sources.get(id)!),
    };
  });
  await mkdir(join(args.out, 'students'), { recursive: true });
  for (const student of roster)
    await cp(sources.get(student.id)!, join(args.out, 'students', student.slug), { recursive: true });
  await writeClassFiles(args.out, columns, roster, results, args.lang, args.bom);
  return 0;
}
