import { expect } from 'chai';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { packageRoot } from '../../src/paths.js';

// The floors of the house (docs/architecture.md): an import may only point to a lower floor.
// Folders on one floor are siblings and import none of each other.
const FLOOR: Record<string, number> = {
  'src/base': 0, // errors, paths, atomic files: used everywhere, import nothing of ours
  'src/net': 1,
  'src/docker': 2,
  'src/engine': 3,
  'src/report': 4,
  graders: 4,
  'src/fixtures': 4,
  'src/class': 5,
  'src/sandbox': 5, // namespaces and a dockerd: knows nothing of grading
  'src/submission': 6,
  'src/commands': 7,
  'src/cli': 8,
};
const BASE = new Set(['src/errors.ts', 'src/paths.ts', 'src/atomic-file.ts']);

function areaOf(file: string): string {
  const rel = relative(packageRoot, file).split('\\').join('/');
  if (BASE.has(rel)) return 'src/base';
  const parts = rel.split('/');
  if (parts[0] === 'graders') return 'graders';
  if (parts[0] === 'src' && parts.length === 2) return `src/${parts[1].replace(/\.ts$/, '')}`;
  return `${parts[0]}/${parts[1]}`;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import and re-export of the production code, as [from area, to area, where]. */
function edges(): [string, string, string][] {
  const found: [string, string, string][] = [];
  for (const file of [...sources(join(packageRoot, 'src')), ...sources(join(packageRoot, 'graders'))]) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)) {
      const target = resolve(dirname(file), m[1]).replace(/\.js$/, '.ts');
      found.push([areaOf(file), areaOf(target), `${relative(packageRoot, file)} imports ${m[1]}`]);
    }
  }
  return found;
}

describe('layers', () => {
  const all = edges();

  it('knows the floor of every folder that has code', () => {
    const unknown = [...new Set(all.flatMap(([a, b]) => [a, b]))].filter((area) => FLOOR[area] === undefined);
    expect(unknown, 'folders with no floor in this test: give them one').to.deep.equal([]);
  });

  it('has every import point to a lower floor', () => {
    const upward = all.filter(([from, to]) => from !== to && !(FLOOR[to] < FLOOR[from])).map(([, , where]) => where);
    expect(upward).to.deep.equal([]);
  });

  it('has no two folders that import each other', () => {
    const pairs = new Set(all.filter(([a, b]) => a !== b).map(([a, b]) => `${a} -> ${b}`));
    const mutual = [...pairs].filter((e) => {
      const [a, b] = e.split(' -> ');
      return a < b && pairs.has(`${b} -> ${a}`);
    });
    expect(mutual).to.deep.equal([]);
  });

  it('finds imports at all (the scan itself works)', () => {
    expect(all.some(([from, to]) => from === 'src/commands' && to === 'src/engine')).to.equal(true);
  });
});
