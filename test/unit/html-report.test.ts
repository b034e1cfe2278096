import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { renderClassHtml, renderStudentHtml } from '../../src/report/html.js';
import {
  classResults,
  HOSTILE_COMMENT,
  HOSTILE_NAME,
  studentReport,
  classExercises,
} from '../support/class-results.js';

/** The inline scripts of a page, and the JSON it carries. */
function parts(html: string) {
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  const json = /<script type="application\/json" id="data">([\s\S]*?)<\/script>/.exec(html)![1];
  return { scripts, json };
}

describe('HTML report', () => {
  it('stays under 1 MB for a class of 100, Chart.js included', () => {
    const { exercises, students } = classResults(100);
    const html = renderClassHtml(exercises, students, { lang: 'en' });
    expect(Buffer.byteLength(html)).to.be.below(1024 * 1024);
    expect(html).to.include('Chart.js v4');
  });

  it('carries host texts only inside JSON that no < can break out of', () => {
    const { exercises, students } = classResults(20);
    const html = renderClassHtml(exercises, students, { lang: 'en' });
    const { json } = parts(html);
    expect(json).not.to.match(/[<>]/);
    const data = JSON.parse(json);
    expect(data.students[1].name).to.equal(HOSTILE_NAME);
    expect(data.text).to.include(HOSTILE_COMMENT);
    // the only markup outside the scripts is the page's own
    expect(html.replace(/<script[\s\S]*?<\/script>/g, '')).not.to.include('Mallory');
  });

  it('lets only its own scripts run, and fetch nothing (Content-Security-Policy)', () => {
    const { exercises, students } = classResults(5);
    const html = renderClassHtml(exercises, students, { lang: 'ko' });
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1];
    expect(policy).to.match(/^default-src 'none';/);
    const { scripts } = parts(html);
    expect(scripts).to.have.length(2);
    for (const s of scripts) expect(policy).to.include(`'sha256-${createHash('sha256').update(s).digest('base64')}'`);
    expect(html).to.include('<html lang="ko">');
  });

  it('writes a student page without the chart library', () => {
    const report = studentReport(classExercises(), 3);
    const html = renderStudentHtml(report, { lang: 'en' });
    expect(html).not.to.include('Chart.js v4');
    expect(JSON.parse(parts(html).json).kind).to.equal('student');
  });
});
