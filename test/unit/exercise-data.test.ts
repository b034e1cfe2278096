import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { expect } from 'chai';
import { parse } from 'yaml';
import { exerciseSchema } from '../../src/engine/exercise-schema.js';
import { exerciseFolders } from '../../src/engine/exercise.js';
import { lintExercise } from '../../src/engine/lint.js';
import { exercisesDir, packageRoot } from '../../src/paths.js';

describe('exercises as data', () => {
  const schemaFile = join(exercisesDir, 'exercise.schema.json');

  it('ships the JSON Schema the vocabulary makes', () => {
    expect(JSON.parse(readFileSync(schemaFile, 'utf8'))).to.deep.equal(exerciseSchema());
  });

  for (const folder of exerciseFolders()) {
    it(`${folder.id}: exercise.yaml is valid against the schema and names it for editors`, () => {
      const text = readFileSync(join(folder.dir, 'exercise.yaml'), 'utf8');
      expect(text).to.match(/^# yaml-language-server: \$schema=\.\.\/exercise\.schema\.json$/m);
      const validate = new Ajv({ allErrors: true }).compile(exerciseSchema());
      expect(validate(parse(text)), JSON.stringify(validate.errors)).to.equal(true);
    });
  }

  it("the README's exercise table lists exactly the folders, in course order", () => {
    const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('## Exercises'),
      readme.indexOf('\n## ', readme.indexOf('## Exercises') + 1),
    );
    const rows = [...section.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
    expect(rows).to.deep.equal(exerciseFolders().map((f) => f.id));
  });

  it('lint names a wrong key with its line number', () => {
    const dir = mkdtempSync(join(tmpdir(), 'docknet-lint-'));
    try {
      mkdirSync(join(dir, 'demo'));
      writeFileSync(join(dir, 'demo', 'README.md'), '## 한국어\n\n## English\n');
      writeFileSync(
        join(dir, 'demo', 'exercise.yaml'),
        [
          'title: { en: Demo, ko: 데모 }',
          'checks:',
          '  net:',
          '    points: 1',
          '    title: { en: a, ko: 가 }',
          '    kind: network',
          '    network: demo-net',
          '    drivr: bridge',
          '',
        ].join('\n'),
      );
      const problems = lintExercise(join(dir, 'demo'));
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/exercise\.yaml:8: unknown key "drivr"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
