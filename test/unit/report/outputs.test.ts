import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { reportersFor, writeReports } from '../../../src/report/outputs.js';
import type { Graded } from '../../../src/report/reporter.js';
import { graded as submission, report } from './ordinary.js';

/** What the reports put on stdout, and which files existed when they did. */
async function capture(run: () => Promise<void>, dir: string): Promise<{ stdout: string; filesThen: string[] }> {
  const write = process.stdout.write;
  let stdout = '';
  let filesThen: string[] = [];
  process.stdout.write = ((chunk: string) => {
    stdout += chunk;
    filesThen = readdirSync(dir);
    return true;
  }) as typeof process.stdout.write;
  try {
    await run();
  } finally {
    process.stdout.write = write;
  }
  return { stdout, filesThen };
}

describe('choosing and writing reports', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'docknet-outputs-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const graded: Graded = { kind: 'report', report };

  it('writes a file per format asked for, and the terminal only once the files are in place', async () => {
    const outputs = { json: join(dir, 'r.json'), junit: join(dir, 'sub', 'junit.xml'), console: { color: false } };
    const { stdout, filesThen } = await capture(() => writeReports(reportersFor(outputs), graded), dir);
    expect(readdirSync(dir).sort()).to.deep.equal(['r.json', 'sub']);
    expect(filesThen.sort()).to.deep.equal(['r.json', 'sub']);
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'))).to.deep.equal({ schemaVersion: 1, ...report });
    expect(readFileSync(join(dir, 'sub', 'junit.xml'), 'utf8')).to.match(/^<\?xml/);
    expect(stdout).to.match(/^Docker 20\.10\.24 \(API 1\.41\)/);
  });

  it('takes an empty path as no file, and no console as silence', async () => {
    expect(reportersFor({ json: '', junit: undefined })).to.deep.equal([]);
    const { stdout } = await capture(() => writeReports(reportersFor({ json: join(dir, 'r.json') }), graded), dir);
    expect(stdout).to.equal('');
  });

  it('writes nothing at all when a format is asked for a run it has no view of', async () => {
    const outputs = { json: join(dir, 'r.json'), gradebook: join(dir, 'gradebook.csv') };
    let error: unknown;
    await writeReports(reportersFor(outputs), graded).catch((err: unknown) => (error = err));
    expect(String(error)).to.contain('no gradebook report of a report');
    expect(existsSync(join(dir, 'r.json'))).to.equal(false);
  });

  it("adds the Markdown summary to $GITHUB_STEP_SUMMARY, and replaces any other file's", async () => {
    const summary = join(dir, 'step_summary');
    const other = join(dir, 'summary.md');
    writeFileSync(summary, '## an earlier step\n');
    writeFileSync(other, 'old\n');
    const before = process.env.GITHUB_STEP_SUMMARY;
    process.env.GITHUB_STEP_SUMMARY = summary;
    try {
      for (const markdown of [summary, other])
        await writeReports(reportersFor({ markdown }), { kind: 'student', result: submission });
    } finally {
      if (before === undefined) delete process.env.GITHUB_STEP_SUMMARY;
      else process.env.GITHUB_STEP_SUMMARY = before;
    }
    expect(readFileSync(summary, 'utf8')).to.match(/^## an earlier step\n\n## docknet: /);
    expect(readFileSync(other, 'utf8')).to.match(/^## docknet: /);
  });
});
