/** What a grader is made of: texts in both languages, outcomes, checks. What a run produces is in results.ts. */

export type Lang = 'en' | 'ko';
export type Localized = Record<Lang, string>;

/** What students read: the same in every language (names, addresses, commands), or one text per language. */
export type Text = string | Localized;

/** A text in both languages, as graders write it: t(english, korean). */
export function t(en: string, ko: string): Localized {
  return { en, ko };
}

export function inLang(text: Text, lang: Lang): string {
  return typeof text === 'string' ? text : text[lang];
}

/** What a check's run decides: the student's state is right or it is not. */
export interface Outcome {
  passed: boolean;
  message: Text;
  expected?: Text;
  actual?: Text;
  hint?: Text;
}

export function pass(message: Text, detail: { expected?: Text; actual?: Text } = {}): Outcome {
  return { passed: true, message, ...detail };
}

export function fail(message: Text, detail: { expected?: Text; actual?: Text; hint?: Text } = {}): Outcome {
  return { passed: false, message, ...detail };
}

/** A check as a grader writes it; title and points come from the exercise's metadata. */
export interface CheckSpec<Ctx> {
  id: string;
  /** ids of checks that must pass first; if one does not, this check is skipped */
  needs?: string[];
  /** overrides the runner's per-check time limit */
  timeoutMs?: number;
  run(ctx: Ctx): Promise<Outcome>;
}

export interface Check<Ctx> extends CheckSpec<Ctx> {
  title: string;
  points: number;
  hidden?: boolean;
}

export interface Grader<Ctx> {
  id: string;
  /** the exercise's folder, when it is not the package's exercises/<id> (an instructor's) */
  dir?: string;
  checks: CheckSpec<Ctx>[];
  /**
   * Starts, before any check asks, the probes its checks will most likely need:
   * container starts are the slow part of a run. Whatever it starts is shared with
   * the checks through the run's probe session, failures included.
   */
  warmUp?(ctx: Ctx): void;
  /**
   * The checks in code and their warm-up for a variant's values (exercise.yaml's `params:`);
   * `checks` and `warmUp` are those of the canonical values
   */
  variant?(values: Readonly<Record<string, string | number>>): { checks: CheckSpec<Ctx>[]; warmUp?(ctx: Ctx): void };
}
