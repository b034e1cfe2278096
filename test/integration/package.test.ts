import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import { packageRoot } from '../../src/paths.js';
import { readClassroom } from '../support/classroom.js';
import { requireEngine } from '../support/engine.js';
import { gradescopeErrors } from '../support/gradescope-schema.js';

/**
 * The tarball as users get it: packed, installed into an empty prefix with no network
 * (so it needs no dependency at all, dev or not, and builds nothing), and run from a
 * directory outside the repo with only Node on PATH.
 */
describe('the npm package', function () {
  let dir: string;
  let docknetBin: string;
  let env: Record<string, string>;

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), 'docknet-package-'));
    // npm test has built the bundle; --ignore-scripts packs what is there instead of building again
    const pack = await execa('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
      cwd: packageRoot,
    });
    const [{ filename, files }] = JSON.parse(pack.stdout) as [{ filename: string; files: { path: string }[] }];
    const paths = files.map((f) => f.path);
    expect(paths).to.include.members([
      'bin/docknet.js',
      'dist/docknet.mjs',
      'dist/docknet.mjs.map',
      'package.json',
      'exercises/fixed-ip/exercise.yaml',
      'fixtures/fixed-ip/fixtures.yaml',
    ]);
    expect(
      paths.filter((p) => /^(test|bench|src|graders|dist\/(test|src))\//.test(p)),
      'only what runs ships',
    ).to.deep.equal([]);
    const prefix = join(dir, 'prefix');
    await execa(
      'npm',
      ['install', '--global', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, join(dir, filename)],
      { cwd: dir },
    );
    const installed = join(prefix, 'lib', 'node_modules', 'docknet-grader');
    expect(readdirSync(installed).sort()).to.not.include('node_modules');
    docknetBin = join(prefix, 'bin', 'docknet');
    env = { PATH: `${join(prefix, 'bin')}:${dirname(process.execPath)}:/usr/bin:/bin`, HOME: dir, NO_COLOR: '1' };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[]) =>
    execa(docknetBin, args, { cwd: dir, env, extendEnv: false, reject: false, all: true });

  it('says its version and lists the exercises offline', async () => {
    const version = await run(['--version']);
    expect(version.stdout.trim()).to.equal(JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).version);
    const list = await run(['list', '--offline', '--lang', 'en']);
    expect(list.exitCode, list.all).to.equal(0);
    expect(list.stdout).to.match(/^internal-network\s+Isolated network\s+20 points$/m);
  });

  it('grades the test engine and writes its reports', async function () {
    await requireEngine(this);
    const check = await run(['check', 'fixed-ip', '--lang', 'en', '--json', 'report.json', '--junit', 'junit.xml']);
    expect(check.exitCode, check.all).to.be.oneOf([0, 1]);
    expect(check.stdout).to.include('(fixed-ip)');
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.exercises.map((e: { id: string }) => e.id)).to.deep.equal(['fixed-ip']);
    expect(existsSync(join(dir, 'junit.xml'))).to.equal(true);
  });

  // An instructor's exercise with a hidden check: a network no lab ever makes, so the check fails with details to hold back.
  const HIDDEN_EXERCISE = [
    'order: 90',
    'title: { en: A hidden requirement, ko: 숨은 요구 사항 }',
    'checks:',
    '  secret-network:',
    '    points: 2',
    '    hidden: true',
    "    title: { en: 'The secret network exists', ko: '비밀 네트워크가 있음' }",
    '    kind: network',
    '    network: docknet-package-test-never-made',
    '    driver: bridge',
    '',
  ].join('\n');

  it("writes Gradescope's results.json by its schema and GitHub Classroom's results, hidden checks held back", async function () {
    await requireEngine(this);
    mkdirSync(join(dir, 'course', 'hidden-requirement'), { recursive: true });
    writeFileSync(join(dir, 'course', 'hidden-requirement', 'exercise.yaml'), HIDDEN_EXERCISE);
    const check = await run([
      'check',
      'fixed-ip',
      'hidden-requirement',
      '--exercises',
      'course',
      '--lang',
      'en',
      '--json',
      'report.json',
      '--gradescope',
      'results.json',
      '--classroom',
      'classroom.env',
    ]);
    expect(check.exitCode, check.all).to.equal(1); // the hidden check fails on any host
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(gradescopeErrors(results)).to.equal(undefined);
    expect(results.score).to.equal(report.score);
    const secret = results.tests.find((t: { name: string }) => t.name.endsWith('The secret network exists'));
    expect(secret).to.include({ visibility: 'after_published', status: 'failed', score: 0, max_score: 2 });
    expect(secret.output).to.include('docknet-package-test-never-made');

    const classroom = readClassroom(readFileSync(join(dir, 'classroom.env'), 'utf8'));
    expect(classroom.grade).to.deep.equal({ points: report.score, max: report.maxScore });
    const withheld = [...classroom.results.values()].find((r) =>
      r.tests[0].name.endsWith('The secret network exists'),
    )!;
    expect(withheld.tests[0].status).to.equal('fail');
    expect(withheld.tests[0].message).to.not.include('docknet-package-test-never-made');
  });

  it('names TypeScript lines in a --debug stack trace', async () => {
    const crash = await run(['check', '--debug', '--context', 'no-such-context']);
    expect(crash.exitCode).to.equal(2);
    expect(crash.stderr).to.match(/src\/docker\/context\.ts:\d+:\d+/);
  });
});
