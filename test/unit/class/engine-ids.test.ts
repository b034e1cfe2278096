import { expect } from 'chai';
import { sharedEngineIds } from '../../../src/class/engine-ids.js';
import { summarize } from '../../../src/class/gradebook.js';
import type { StudentResult } from '../../../src/engine/results.js';
import { renderSummary } from '../../../src/report/summary.js';
import type { Student } from '../../../src/class/roster.js';

function student(id: string, where: string): Student {
  return { id, name: id, endpoint: where, where, credentials: {}, slug: id };
}

function result(s: Student, engineId?: string): StudentResult {
  return {
    student: { id: s.id, name: s.name, where: s.where },
    status: 'error',
    error: 'x',
    ...(engineId && { engineId }),
    exercises: [],
    startedAt: '2026-11-24T00:00:00Z',
    durationMs: 1,
    finishedAt: '2026-11-24T00:00:01Z',
  };
}

describe('engine IDs shared by several endpoints', () => {
  const a = student('a', 'tcp+tls://10.0.0.11:2376');
  const b = student('b', 'tcp+tls://10.0.0.12:2376');
  const c = student('c', 'unix:///var/run/docker.sock');
  const d = student('d', 'unix:///var/run/docker.sock');
  const e = student('e', 'ssh://lab@10.0.0.13');

  it('names an ID reported by two endpoints, with their students, in roster order', () => {
    const results = new Map(
      [a, b, c, d, e].map((s, i) => [s.id, result(s, ['CLONE', 'CLONE', 'LOCAL', 'LOCAL', undefined][i])]),
    );
    expect(sharedEngineIds([a, b, c, d, e], results)).to.deep.equal([
      { engineId: 'CLONE', endpoints: [a.where, b.where], students: ['a', 'b'] },
    ]);
  });

  it('says nothing when students share one endpoint, or IDs differ', () => {
    const results = new Map(
      [result(c, 'LOCAL'), result(d, 'LOCAL'), result(a, 'X'), result(b, 'Y')].map((r) => [r.student.id, r]),
    );
    expect(sharedEngineIds([a, b, c, d], results)).to.deep.equal([]);
    expect(summarize([], [a, b, c, d], results)).to.not.have.property('sharedEngineIds');
  });

  it('puts the warning in summary.json and the printed summary, with a hostile ID escaped', () => {
    const id = 'EVIL\u001b[2J\n';
    const results = new Map([result(a, id), result(b, id)].map((r) => [r.student.id, r]));
    const summary = summarize([], [a, b], results);
    expect(summary.sharedEngineIds).to.deep.equal([
      { engineId: id, endpoints: [a.where, b.where], students: ['a', 'b'] },
    ]);
    const text = renderSummary(summary);
    expect(text).to.include('warning: 2 endpoints report the same engine ID EVIL\\u001b[2J\\n (cloned VMs?)');
    expect(text).to.include('tcp+tls://10.0.0.11:2376, tcp+tls://10.0.0.12:2376');
    expect(text).to.not.include('\u001b');
  });
});
