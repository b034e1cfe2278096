// `docknet lint`: an exercise folder's mistakes, each with its file and line, before a
// student ever meets them. Positions come from the YAML parser's own source ranges.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { errorMessage } from '../errors.js';
import { dataCheck, KINDS, type DataCheckEntry } from './vocabulary.js';
import { drawParams, placeholders, renderDeep, specProblems, type ParamSpecs } from './params.js';

const TOP = ['order', 'title', 'reads', 'params', 'checks'];
const CHECK = ['kind', 'needs', 'message', 'hint', 'title', 'points', 'hidden'];

/** Problems in one exercise folder (`<dir>/exercise.yaml`, `README.md`), as "file:line: message". */
export function lintExercise(dir: string, hasCode = false): string[] {
  const file = join(dir, 'exercise.yaml');
  if (!existsSync(file)) return [`${dir}: no exercise.yaml`];
  const lines = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines });
  const at = (node: Node | null | undefined) => `${file}:${node?.range ? lines.linePos(node.range[0]).line : 1}`;
  const problems = doc.errors.map((e) => `${file}:${e.linePos?.[0].line ?? 1}: ${e.message.split('\n')[0]}`);
  if (problems.length > 0) return problems;
  const root = doc.contents;
  if (!isMap(root)) return [`${file}:1: expected a mapping with title and checks`];

  const keys = (map: { items: { key: unknown }[] }, allowed: string[], where: string) => {
    for (const pair of map.items) {
      const key = String((pair.key as Node & { value?: unknown })?.toJSON?.() ?? pair.key);
      if (!allowed.includes(key))
        problems.push(`${at(pair.key as Node)}: unknown key "${key}" ${where} (allowed: ${allowed.join(', ')})`);
    }
  };
  const localized = (node: unknown, what: string, parent: Node) => {
    if (!isMap(node) || typeof node.get('en') !== 'string' || typeof node.get('ko') !== 'string')
      problems.push(`${at((node as Node) ?? parent)}: ${what} needs an en and a ko text`);
  };
  keys(root, TOP, 'at the top');
  localized(root.get('title', true), 'title', root);
  const params = (root.get('params', true) as Node | undefined)?.toJSON() as ParamSpecs | undefined;
  const paramNode = (root.get('params', true) as Node | undefined) ?? root;
  const paramProblems = specProblems(params ?? {});
  problems.push(...paramProblems.map((p) => `${at(paramNode)}: ${p}`));
  const declaredParams = Object.keys(params ?? {});
  // every {{ name }} of the texts and checks names a declared value
  const unknownIn = (text: string) => placeholders(text).filter((n) => !declaredParams.includes(n));
  for (const pair of isMap(root) ? root.items : []) {
    if (String((pair.key as Node).toJSON()) === 'params') continue;
    for (const name of unknownIn(JSON.stringify((pair.value as Node | null)?.toJSON() ?? '')))
      problems.push(`${at(pair.value as Node)}: {{ ${name} }} is no declared param`);
  }
  const checks = root.get('checks', true);
  if (!isMap(checks)) return [...problems, `${at(root)}: checks must be a mapping of check ids`];
  const declared: string[] = [];
  for (const pair of checks.items) {
    const id = String((pair.key as Node).toJSON());
    const node = pair.value;
    if (!isMap(node)) {
      problems.push(`${at(pair.key as Node)}: check "${id}" must be a mapping`);
      continue;
    }
    const entry = node.toJSON() as DataCheckEntry & { points?: unknown };
    const kind = entry.kind === undefined ? undefined : KINDS[String(entry.kind)];
    keys(node, [...CHECK, ...(kind?.params ?? [])], `in check "${id}"${kind ? ` (kind ${entry.kind})` : ''}`);
    localized(node.get('title', true), `check "${id}": title`, node);
    if (!(Number.isInteger(entry.points) && (entry.points as number) >= 0))
      problems.push(
        `${at((node.get('points', true) as Node) ?? node)}: check "${id}": points must be a whole number, 0 or more`,
      );
    for (const need of entry.needs ?? [])
      if (!declared.includes(need))
        problems.push(
          `${at(node.get('needs', true) as Node)}: check "${id}" needs "${need}", which is not declared before it`,
        );
    declared.push(id);
    if (entry.kind === undefined) {
      if (!hasCode)
        problems.push(
          `${at(node)}: check "${id}" has no kind, and no grader code runs it (kinds: ${Object.keys(KINDS).join(', ')})`,
        );
    } else if (!kind) {
      problems.push(
        `${at(node.get('kind', true) as Node)}: check "${id}": unknown kind "${String(entry.kind)}" (kinds: ${Object.keys(KINDS).join(', ')})`,
      );
    } else {
      try {
        // a check must hold with the canonical values (the draws are held to the same constraints)
        dataCheck(id, paramProblems.length === 0 ? renderedEntry(entry, params) : entry);
      } catch (err) {
        problems.push(`${at(node)}: ${errorMessage(err)}`);
      }
    }
    if (isSeq(node.get('needs', true)) === false && entry.needs !== undefined)
      problems.push(`${at(node)}: check "${id}": needs must be a list of check ids`);
  }
  const readme = join(dir, 'README.md');
  if (!existsSync(readme)) problems.push(`${dir}: no README.md (students read it, in Korean and English)`);
  else {
    const text = readFileSync(readme, 'utf8');
    if (!/^## 한국어/m.test(text) || !/^## English/m.test(text))
      problems.push(`${readme}:1: needs a "## 한국어" and a "## English" section`);
    for (const name of unknownIn(text)) problems.push(`${readme}:1: {{ ${name} }} is no declared param`);
  }
  return problems;
}

function renderedEntry(entry: DataCheckEntry, params: ParamSpecs | undefined): DataCheckEntry {
  try {
    return renderDeep(entry, drawParams('lint', params), 'check');
  } catch {
    return entry; // an unknown placeholder, reported on its own
  }
}

/** A folder of exercises, or one exercise folder. */
export function exerciseDirsIn(dir: string): string[] {
  if (existsSync(join(dir, 'exercise.yaml'))) return [dir];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'exercise.yaml')))
    .map((e) => join(dir, e.name));
}
