import { expect } from 'chai';
import { selectSubmissions } from '../../../src/commands/submission-common.js';
import type { StudentResult } from '../../../src/engine/results.js';
import { markdownReporter } from '../../../src/report/markdown.js';

describe('submission batches', () => {
  it('shards split the name-ordered list without overlap or gap, the same on every machine', () => {
    const names = ['kim', 'lee', 'park', 'choi', 'jung', 'kang', 'cho'];
    const shards = [1, 2, 3].map((i) => selectSubmissions([...names].reverse(), [i, 3]));
    expect(shards[0]).to.deep.equal(['cho', 'kang', 'park']); // of cho, choi, jung, kang, kim, lee, park: every third from the first
    expect(shards.flat().sort()).to.deep.equal([...names].sort());
    expect(selectSubmissions(names)).to.deep.equal([...names].sort());
  });

  it('writes a Markdown summary a CI page shows: the score, the pass mark, each check, no broken tables', () => {
    const result: StudentResult = {
      student: { id: 'kim', name: '', where: 'unix:///var/run/docker.sock' },
      status: 'graded',
      exercises: [{ id: 'net', title: 'Net', maxScore: 3 }],
      solution: { command: 'sh -eu solution.sh', exitCode: 0, timedOut: false, output: '', durationMs: 10 },
      report: {
        tool: { name: 'docknet', version: '0' },
        host: 'unix:///var/run/docker.sock',
        engine: { version: '26.1', apiVersion: '1.45' },
        startedAt: '2026-11-24T00:00:00Z',
        durationMs: 10,
        score: 1,
        maxScore: 3,
        exercises: [
          {
            id: 'net',
            title: 'Net',
            score: 1,
            maxScore: 3,
            durationMs: 5,
            checks: [
              { id: 'a', title: 'A exists', status: 'passed', points: 1, maxPoints: 1, message: 'ok', durationMs: 1 },
              {
                id: 'b',
                title: 'B | pipes',
                status: 'failed',
                points: 0,
                maxPoints: 2,
                message: 'b is\nwrong',
                expected: 'x',
                hint: 'run y',
                durationMs: 1,
              },
            ],
          },
        ],
      },
      startedAt: '2026-11-24T00:00:00Z',
      durationMs: 10,
      finishedAt: '2026-11-24T00:00:00Z',
    };
    const md = markdownReporter('summary.md', 2).render({ kind: 'student', result });
    expect(md).to.match(/^## docknet: 1\/3 \(pass mark 2\)/);
    expect(md).to.include('| ✅ | A exists | 1/1 |  |');
    expect(md).to.include('| ❌ | B \\| pipes | 0/2 | b is wrong<br>expected: x<br>hint: run y |');
  });
});
