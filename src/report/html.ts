// The class, or one student's run, as one self-contained web page: it opens from disk or a CI
// artifact, asks the network for nothing, and prints to PDF through the browser.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Lang } from '../engine/grader.js';
import type { GradingReport, Status } from '../engine/results.js';
import { packageVersion } from '../paths.js';
import { PAGE_SCRIPT, PAGE_STYLE, UI } from './html-page.js';
import { noView, type Reporter } from './reporter.js';

/** One roster student as the page needs it (a class StudentResult fits, or a roster entry not graded yet). */
export interface HtmlStudent {
  student: { id: string; name: string; where: string };
  status: 'graded' | 'graded-with-errors' | 'error' | 'not-graded';
  report?: GradingReport;
  /** why there is no report */
  error?: string;
  /** what could not be put back on the host afterwards */
  problems?: string[];
}

export interface HtmlOptions {
  lang: Lang;
  generatedAt?: Date;
}

const STATUSES: Status[] = ['passed', 'failed', 'skipped', 'error'];

/** A check's result, its texts as indexes into PageData.text (-1: none): students share most of them. */
type Cell = [status: number, points: number, message: number, expected: number, actual: number, hint: number];

interface PageCheck {
  id: string;
  title: string;
  points: number;
  hidden: boolean;
}

interface PageExercise {
  id: string;
  title: string;
  maxScore: number;
  checks: PageCheck[];
  mean?: number;
  median?: number;
}

interface PageStudent {
  id: string;
  name: string;
  where: string;
  status: HtmlStudent['status'];
  error?: string;
  problems?: string[];
  score?: number;
  /** per exercise, in PageData.exercises' order; null where it was not graded */
  scores?: (number | null)[];
  engine?: string;
  startedAt?: string;
  /** one per check column (exercises' checks in order); null where the report has no such check */
  cells?: (Cell | null)[];
}

/** A check graded students missed (failed, or skipped because a prerequisite failed). */
interface Missed {
  column: number;
  missed: number;
  passed: number;
  /** the hints the students who missed it got, most given first */
  hints: { text: string; students: number }[];
}

interface PageData {
  kind: 'class' | 'student';
  lang: Lang;
  ui: Record<string, string>;
  statuses: Status[];
  tool: string;
  generatedAt: string;
  maxScore: number;
  text: string[];
  exercises: PageExercise[];
  students: PageStudent[];
  histogram?: number[];
  mean?: number;
  median?: number;
  missed?: Missed[];
}

// Longer texts (a whole ruleset as "actual") are cut: a class of 100 must stay one small file.
const MAX_TEXT = 2000;

class TextTable {
  readonly texts: string[] = [];
  private readonly index = new Map<string, number>();

  add(text: string | undefined): number {
    if (text === undefined) return -1;
    const cut = text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
    let i = this.index.get(cut);
    if (i === undefined) {
      i = this.texts.push(cut) - 1;
      this.index.set(cut, i);
    }
    return i;
  }
}

function median(sorted: number[]): number {
  const mid = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function meanAndMedian(values: number[]): { mean?: number; median?: number } {
  if (values.length === 0) return {};
  const sorted = [...values].sort((a, b) => a - b);
  return { mean: Math.round((sorted.reduce((s, v) => s + v, 0) / sorted.length) * 10) / 10, median: median(sorted) };
}

/** The exercises as columns: their checks in the order the reports list them, every check any report has. */
function pageExercises(exercises: { id: string; maxScore: number }[], reports: GradingReport[]): PageExercise[] {
  return exercises.map((e) => {
    const checks = new Map<string, PageCheck>();
    let title = e.id;
    for (const r of reports) {
      const x = r.exercises.find((x) => x.id === e.id);
      if (!x) continue;
      title = x.title;
      for (const c of x.checks)
        if (!checks.has(c.id))
          checks.set(c.id, { id: c.id, title: c.title, points: c.maxPoints, hidden: c.hidden === true });
    }
    return { id: e.id, title, maxScore: e.maxScore, checks: [...checks.values()] };
  });
}

function pageStudent(s: HtmlStudent, exercises: PageExercise[], text: TextTable): PageStudent {
  const base: PageStudent = {
    id: s.student.id,
    name: s.student.name,
    where: s.student.where,
    status: s.status,
    ...(s.error !== undefined && { error: s.error }),
    ...(s.problems?.length && { problems: s.problems }),
  };
  const report = s.report;
  if (!report) return base;
  const graded = exercises.map((e) => report.exercises.find((x) => x.id === e.id));
  return {
    ...base,
    score: graded.reduce((sum, x) => sum + (x?.score ?? 0), 0),
    scores: graded.map((x) => x?.score ?? null),
    engine: `Docker ${report.engine.version} (API ${report.engine.apiVersion}${report.engine.os ? `, ${report.engine.os}/${report.engine.arch ?? ''}` : ''})`,
    startedAt: report.startedAt,
    cells: exercises.flatMap((e, i) =>
      e.checks.map((c): Cell | null => {
        const r = graded[i]?.checks.find((x) => x.id === c.id);
        return r
          ? [
              STATUSES.indexOf(r.status),
              r.points,
              text.add(r.message),
              text.add(r.expected),
              text.add(r.actual),
              text.add(r.hint),
            ]
          : null;
      }),
    ),
  };
}

function classStats(data: PageData): Pick<PageData, 'histogram' | 'mean' | 'median' | 'missed'> {
  const graded = data.students.filter((s) => s.score !== undefined);
  const histogram = Array.from({ length: 11 }, () => 0);
  for (const s of graded) {
    const share = data.maxScore === 0 ? 1 : s.score! / data.maxScore;
    histogram[share >= 1 ? 10 : Math.floor(share * 10)]++;
  }
  data.exercises.forEach((e, i) => Object.assign(e, meanAndMedian(graded.flatMap((s) => s.scores?.[i] ?? []))));
  const columns = data.exercises.flatMap((e) => e.checks);
  const missed: Missed[] = columns.map((_, column) => {
    const hints = new Map<number, number>();
    let count = 0;
    let passed = 0;
    for (const s of graded) {
      const cell = s.cells?.[column];
      if (!cell) continue;
      const status = STATUSES[cell[0]];
      if (status === 'passed') passed++;
      if (status !== 'failed' && status !== 'skipped') continue;
      count++;
      if (cell[5] >= 0) hints.set(cell[5], (hints.get(cell[5]) ?? 0) + 1);
    }
    return {
      column,
      missed: count,
      passed,
      hints: [...hints].sort((a, b) => b[1] - a[1]).map(([i, students]) => ({ text: data.text[i], students })),
    };
  });
  return {
    histogram,
    ...meanAndMedian(graded.map((s) => s.score!)),
    missed: missed
      .filter((m) => m.missed > 0)
      .sort((a, b) => b.missed - a.missed || a.column - b.column)
      .slice(0, 10),
  };
}

/** Set by scripts/bundle.mjs: the installed docknet is one file and has no node_modules to read it from. */
declare const BUNDLED_CHART_JS: string | undefined;

/** Chart.js's browser build: inside the bundle, or read from node_modules when run from dist/ (the tests). */
function chartLibrary(): string {
  const code =
    typeof BUNDLED_CHART_JS === 'string'
      ? BUNDLED_CHART_JS
      : readFileSync(join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
  // a source map reference would make the browser's developer tools ask for a file
  return code.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
}

/** Inline script text must not end its own element early. */
function inlineScript(code: string): string {
  // `<!--` switches the HTML parser into a mode where `</script>` may be ignored; no rewriting of it is safe in every JS context
  if (code.includes('<!--')) throw new Error('an inline script holds "<!--"');
  return code.replace(/<\/script/gi, '<\\/script');
}

/** JSON for a <script type="application/json">: no `<` or `>` survives, so no host text can close the element. */
function inlineJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const sha256 = (code: string) => `'sha256-${createHash('sha256').update(code, 'utf8').digest('base64')}'`;

function page(data: PageData, withCharts: boolean): string {
  const scripts = [...(withCharts ? [inlineScript(chartLibrary())] : []), inlineScript(PAGE_SCRIPT)];
  // Only these scripts may run and nothing may be fetched, whatever a host's text holds.
  const policy = `default-src 'none'; script-src ${scripts.map(sha256).join(' ')}; style-src 'unsafe-inline'; img-src data:`;
  return [
    '<!DOCTYPE html>',
    `<html lang="${data.lang}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${policy}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${data.ui[data.kind === 'class' ? 'classTitle' : 'studentTitle']}</title>`,
    `<style>${PAGE_STYLE}</style>`,
    '</head>',
    '<body>',
    `<main id="app"><noscript>${data.ui.noscript}</noscript></main>`,
    `<script type="application/json" id="data">${inlineJson(data)}</script>`,
    ...scripts.map((s) => `<script>${s}</script>`),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function baseData(kind: PageData['kind'], exercises: PageExercise[], options: HtmlOptions): PageData {
  return {
    kind,
    lang: options.lang,
    ui: UI[options.lang],
    statuses: STATUSES,
    tool: `docknet ${packageVersion}`,
    generatedAt: (options.generatedAt ?? new Date()).toISOString(),
    maxScore: exercises.reduce((s, e) => s + e.maxScore, 0),
    text: [],
    exercises,
    students: [],
  };
}

/** report.html of a class: the score distribution, the student × check grid, the most missed checks, who was not graded, and each student's page. */
export function renderClassHtml(
  exercises: { id: string; maxScore: number }[],
  students: HtmlStudent[],
  options: HtmlOptions,
): string {
  const text = new TextTable();
  const data = baseData(
    'class',
    pageExercises(
      exercises,
      students.flatMap((s) => s.report ?? []),
    ),
    options,
  );
  data.students = students.map((s) => pageStudent(s, data.exercises, text));
  data.text = text.texts;
  Object.assign(data, classStats(data));
  return page(data, true);
}

/** One student's own run (`check --html`): every check with what was expected, what was found, and the hint. */
export function renderStudentHtml(report: GradingReport, options: HtmlOptions): string {
  const text = new TextTable();
  const data = baseData(
    'student',
    report.exercises.map((e) => pageExercises([e], [report])[0]),
    options,
  );
  const student: HtmlStudent = {
    student: { id: '', name: '', where: report.host },
    status: report.exercises.some((e) => e.checks.some((c) => c.status === 'error')) ? 'graded-with-errors' : 'graded',
    report,
  };
  data.students = [pageStudent(student, data.exercises, text)];
  data.text = text.texts;
  return page(data, false);
}

/** The page of a run: one engine's report as a student's page, or a whole class. */
export function htmlReporter(path: string, lang: Lang): Reporter {
  return {
    path,
    render: (graded) => {
      if (graded.kind === 'report') return renderStudentHtml(graded.report, { lang });
      if (graded.kind === 'class') {
        const { columns, roster, results } = graded.class;
        return renderClassHtml(
          columns,
          roster.map((s) => results.get(s.id) ?? { student: s, status: 'not-graded' }),
          { lang },
        );
      }
      throw noView('HTML', graded);
    },
  };
}
