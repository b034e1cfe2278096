// Where the formats are chosen, once, and how the chosen reports are written.
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { atomicWrite } from '../atomic-file.js';
import type { Lang } from '../engine/grader.js';
import { classroomFailure, classroomReporter } from './classroom.js';
import { consoleReporter, type ConsoleOptions } from './console.js';
import { gradebookReporter } from './gradebook.js';
import { gradescopeReporter } from './gradescope.js';
import { htmlReporter } from './html.js';
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import { markdownReporter } from './markdown.js';
import type { Graded, Reporter } from './reporter.js';

/** The reports a run asks for: the terminal, and a file path per format. */
export interface Outputs {
  console?: ConsoleOptions;
  json?: string;
  junit?: string;
  markdown?: string;
  /** the pass mark a submission's Markdown report states */
  minScore?: number;
  gradescope?: string;
  /** GitHub Classroom's runner results, in GitHub's environment-file format */
  classroom?: string;
  gradebook?: string;
  /** the gradebook starts with a UTF-8 byte order mark */
  bom?: boolean;
  html?: string;
  /** the language of the HTML page's own words */
  lang?: Lang;
}

/** The reporters of the outputs asked for: files first, the terminal last. */
export function reportersFor(outputs: Outputs): Reporter[] {
  return [
    outputs.json && jsonReporter(outputs.json),
    outputs.junit && junitReporter(outputs.junit),
    outputs.markdown && markdownReporter(outputs.markdown, outputs.minScore, isStepSummary(outputs.markdown)),
    outputs.gradescope && gradescopeReporter(outputs.gradescope),
    outputs.classroom && classroomReporter(outputs.classroom),
    outputs.gradebook && gradebookReporter(outputs.gradebook, outputs.bom),
    outputs.html && htmlReporter(outputs.html, outputs.lang ?? 'en'),
    outputs.console && consoleReporter(outputs.console),
  ].filter((r): r is Reporter => Boolean(r));
}

/**
 * GitHub's job summary is the file in $GITHUB_STEP_SUMMARY, shared by every step of the job:
 * a Markdown report written there joins what the other steps wrote instead of replacing it.
 */
function isStepSummary(path: string): boolean {
  const summary = process.env.GITHUB_STEP_SUMMARY;
  return summary !== undefined && summary !== '' && resolve(summary) === resolve(path);
}

/**
 * Writes every report of a run. Each file is complete or absent; the terminal gets its
 * text only once all files are in place.
 */
export async function writeReports(reporters: Reporter[], graded: Graded): Promise<void> {
  const texts = reporters.map((r) => ({ path: r.path, append: r.append, text: r.render(graded) }));
  await Promise.all(
    texts.map(
      ({ path, append, text }) => path !== undefined && (append ? appendTo(path, text) : atomicWrite(path, text)),
    ),
  );
  for (const { path, text } of texts) if (path === undefined) process.stdout.write(text);
}

/** GitHub Classroom's results of a run that could not grade, added to the file as its reporter would add them. */
export async function writeClassroomFailure(path: string, why: string): Promise<void> {
  const text = classroomFailure(why);
  await (classroomReporter(path).append ? appendTo(path, text) : atomicWrite(path, text));
}

/** A report added to a shared file: in one write, after a blank line that keeps it apart from what is there. */
async function appendTo(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await appendFile(path, `\n${text}`, 'utf8');
}
