import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { GradingReport } from '../../src/engine/results.js';
import { consoleReporter } from '../../src/report/console.js';
import { jsonReporter } from '../../src/report/json.js';
import { junitReporter } from '../../src/report/junit.js';
import { schemaErrors } from '../support/xml.js';

const report: GradingReport = {
  tool: { name: 'docknet', version: '0.1.0' },
  host: 'unix:///var/run/docker.sock',
  engine: { version: '20.10.24', apiVersion: '1.41', os: 'linux', arch: 'amd64' },
  startedAt: '2026-11-24T10:00:00.000Z',
  durationMs: 1234,
  score: 3,
  maxScore: 10,
  exercises: [
    {
      id: 'internal-network',
      title: 'Isolated network',
      score: 3,
      maxScore: 10,
      durationMs: 1200,
      checks: [
        {
          id: 'a',
          title: 'Network exists',
          status: 'passed',
          points: 3,
          maxPoints: 3,
          message: 'exists',
          durationMs: 2,
        },
        {
          id: 'b',
          title: 'Network is internal',
          status: 'failed',
          points: 0,
          maxPoints: 2,
          message: 'not internal',
          expected: 'Internal: true',
          actual: 'Internal: false',
          hint: 'docker network create --internal <&"x">',
          durationMs: 1,
        },
        {
          id: 'c',
          title: 'Reaches nothing',
          status: 'error',
          points: 0,
          maxPoints: 4,
          message: 'check "c" timed out after 30.0 s',
          durationMs: 30000,
        },
        {
          id: 'd',
          title: 'Resolves',
          status: 'skipped',
          points: 0,
          maxPoints: 1,
          message: 'not checked because "Network is internal" failed',
          durationMs: 0,
        },
      ],
    },
  ],
};

describe('reports', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'docknet-reports-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('JSON', () => {
    it('keeps the documented shape', () => {
      const parsed = JSON.parse(jsonReporter('r.json').render({ kind: 'report', report }));
      expect(parsed.engine).to.deep.include({ version: '20.10.24', apiVersion: '1.41' });
      const [exercise] = parsed.exercises;
      expect(exercise).to.include({ id: 'internal-network', title: 'Isolated network', score: 3, maxScore: 10 });
      for (const check of exercise.checks)
        expect(check).to.include.keys('id', 'title', 'status', 'points', 'maxPoints', 'message');
      expect(exercise.checks[1]).to.include({
        status: 'failed',
        expected: 'Internal: true',
        actual: 'Internal: false',
      });
    });
  });

  describe('JUnit', () => {
    const xml = junitReporter('r.xml').render({ kind: 'report', report });

    it('validates against the JUnit 10 schema, with every status present', async () => {
      const file = join(dir, 'r.xml');
      writeFileSync(file, xml);
      expect(await schemaErrors(file)).to.equal('');
    });

    it('tells failure, error and skip apart, with expected vs actual in the text', () => {
      expect(xml).to.match(/<testsuite name="internal-network"[^>]* tests="4" failures="1" errors="1" skipped="1"/);
      expect(xml).to.match(
        /<failure message="not internal" type="failed"><!\[CDATA\[not internal\nexpected: Internal: true\nactual: Internal: false\nhint: docker network create --internal <&"x">\]\]><\/failure>/,
      );
      expect(xml).to.match(/<error message="check &quot;c&quot; timed out after 30.0 s" type="error">/);
      expect(xml).to.match(/<testcase classname="docknet.internal-network" name="d: Resolves" time="0">\s*<skipped\/>/);
    });

    it('carries the score as properties of the exercise suite', () => {
      expect(xml).to.contain('<property name="score" value="3"/>');
      expect(xml).to.contain('<property name="maxScore" value="10"/>');
      expect(xml).to.contain('<property name="engineVersion" value="20.10.24"/>');
    });
  });

  describe('console', () => {
    const text = consoleReporter({ color: false }).render({ kind: 'report', report });

    it('gives one line per check with its mark and points', () => {
      expect(text).to.contain('✓ Network exists 3/3');
      expect(text).to.contain('✗ Network is internal 0/2');
      expect(text).to.contain('! Reaches nothing 0/4');
      expect(text).to.contain('- Resolves 0/1');
    });

    it('shows expected, actual and hint under a failure, and the score', () => {
      expect(text).to.match(/expected: Internal: true\n\s+actual: {3}Internal: false\n\s+hint: docker network create/);
      expect(text).to.contain('score 3/10');
      expect(text).to.contain('Docker 20.10.24 (API 1.41)');
    });
  });
});
