// report.html in a real browser: Debian's Chromium, headless, driven by playwright-core.
// Nothing may leave the machine: every request but the file itself is refused and fails the test.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { Lang } from '../../src/engine/grader.js';
import { packageRoot } from '../../src/paths.js';
import { renderClassHtml, renderStudentHtml } from '../../src/report/html.js';
import { docknet } from '../support/cli.js';
import {
  classExercises,
  classResults,
  HOSTILE_COMMENT,
  HOSTILE_NAME,
  studentReport,
} from '../support/class-results.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(packageRoot, 'docs', 'report');

describe('HTML report in headless Chromium', function () {
  let dir: string;
  let context: BrowserContext;
  const checks = classExercises().reduce((n, e) => n + e.checks.length, 0);

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing: scripts/setup.sh installs it`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'docknet-html-'));
    mkdirSync(SHOTS, { recursive: true });
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 900 },
      offline: true,
    });
  });

  after(async () => {
    await context?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Opens a page from disk; what it logged as an error and what it asked for beyond the file are returned to check. */
  async function open(name: string, html: string): Promise<{ page: Page; errors: string[]; requests: string[] }> {
    const file = join(dir, name);
    writeFileSync(file, html);
    const url = pathToFileURL(file).href;
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => r.url().split('#')[0] !== url && requests.push(r.url()));
    await page.route('**/*', (route) =>
      route.request().url().split('#')[0] === url ? route.continue() : route.abort(),
    );
    await page.goto(url);
    return { page, errors, requests };
  }

  const order = (page: Page) =>
    page.$$eval('#grid tbody tr', (rows) => rows.map((r) => r.getAttribute('data-student')));

  for (const lang of ['en', 'ko'] as Lang[]) {
    it(`shows the class and a student's page (${lang})`, async () => {
      const { exercises, students } = classResults(20, lang);
      const { page, errors, requests } = await open(
        `report-${lang}.html`,
        renderClassHtml(exercises, students, { lang, generatedAt: new Date('2026-11-24T12:00:00Z') }),
      );
      await page.waitForSelector('#grid');

      expect(await page.locator('#grid tbody tr').count()).to.equal(20);
      expect(await page.locator('#grid thead th.check').count()).to.equal(checks);
      expect(await page.locator('#histogram').evaluate((c: HTMLCanvasElement) => c.width > 0)).to.equal(true);
      expect(await page.locator('#most-missed tbody tr').count()).to.be.above(0);
      expect(await page.locator('#not-graded tbody tr').count()).to.be.at.least(2);
      if (lang === 'en') {
        expect(await page.locator('#not-graded').textContent()).to.include('ECONNREFUSED');
        expect(await page.locator('#grid thead th.hidden-check').count()).to.equal(1);
      }
      await page.screenshot({ path: join(SHOTS, `class-${lang}.png`), fullPage: true });

      const before = await order(page);
      await page.click('button[data-sort="score"]');
      const sorted = await order(page);
      expect(sorted).to.have.members(before as string[]);
      expect(sorted).not.to.deep.equal(before);
      const scores = await page.$$eval('#grid tbody td.score', (cells) => cells.map((c) => c.textContent));
      const numbers = scores.filter(Boolean).map((s) => Number(s!.split(' / ')[0]));
      expect(numbers).to.deep.equal([...numbers].sort((a, b) => a - b));
      await page.click('button[data-sort="0"]');
      expect(await order(page)).not.to.deep.equal(sorted);

      // the hostile name is a link's text, and its student page shows the comment as found
      const hostile = students[1];
      expect(await page.locator(`#grid tr[data-student="${hostile.student.id}"] a`).textContent()).to.equal(
        HOSTILE_NAME,
      );
      await page.click(`#grid tr[data-student="${hostile.student.id}"] a`);
      await page.waitForSelector('#student-name');
      expect(await page.locator('#student-name').textContent()).to.include(HOSTILE_NAME);
      const failed = hostile
        .report!.exercises.flatMap((e) => e.checks.map((c) => ({ e, c })))
        .find(({ c }) => c.status === 'failed')!;
      const row = page.locator(`tr[data-check="${failed.e.id}/${failed.c.id}"]`);
      expect(await row.locator('td.expected').textContent()).to.equal(failed.c.expected);
      expect(await row.locator('td.actual').textContent()).to.equal(HOSTILE_COMMENT);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).to.equal(undefined);
      expect(await page.locator('main img, main script').count()).to.equal(0);
      await page.screenshot({ path: join(SHOTS, `student-${lang}.png`), fullPage: true });

      expect(errors).to.deep.equal([]);
      expect(requests).to.deep.equal([]);
      await page.close();
    });
  }

  it('shows a student their own run (check --html)', async () => {
    const report = studentReport(classExercises(), 4);
    const { page, errors, requests } = await open('check.html', renderStudentHtml(report, { lang: 'en' }));
    await page.waitForSelector('table.checks');
    const failed = report.exercises
      .flatMap((e) => e.checks.map((c) => ({ e, c })))
      .find(({ c }) => c.status === 'failed')!;
    const row = page.locator(`tr[data-check="${failed.e.id}/${failed.c.id}"]`);
    expect(await row.locator('td.expected').textContent()).to.equal(failed.c.expected);
    expect(await row.locator('td.actual').textContent()).to.equal(failed.c.actual);
    expect(await page.locator('main').textContent()).to.include('Docker 26.1.5');
    expect(errors).to.deep.equal([]);
    expect(requests).to.deep.equal([]);
    await page.close();
  });

  it('is written by the bundled CLI beside the gradebook (merge), Chart.js and all', async () => {
    const { exercises, students } = classResults(6);
    for (const s of students.filter((s) => s.status !== 'not-graded')) {
      const at = join(dir, 'shard', 'students', s.student.id);
      mkdirSync(at, { recursive: true });
      const result = {
        ...s,
        exercises: exercises.map((e) => ({ ...e, title: e.id })),
        startedAt: '2026-11-24T10:00:00Z',
        finishedAt: '2026-11-24T10:00:01Z',
        durationMs: 1000,
      };
      writeFileSync(join(at, 'result.json'), JSON.stringify(result));
    }
    const run = await docknet(['merge', join(dir, 'shard'), '--out', join(dir, 'merged'), '--lang', 'ko']);
    expect(run.exitCode, run.all).to.equal(0);
    const { page, errors, requests } = await open(
      'merged.html',
      readFileSync(join(dir, 'merged', 'report.html'), 'utf8'),
    );
    await page.waitForSelector('#grid');
    expect(await page.locator('#grid tbody tr').count()).to.equal(5);
    expect(await page.locator('#histogram').evaluate((c: HTMLCanvasElement) => c.width > 0)).to.equal(true);
    expect(await page.locator('h1').textContent()).to.equal('docknet: 반 채점 보고서');
    expect(errors).to.deep.equal([]);
    expect(requests).to.deep.equal([]);
    await page.close();
  });
});
