import { expect } from 'chai';
import { overlappingSubnets, unreachableRules } from '../../src/engine/diagnosis.js';
import type { NetworkDetails } from '../../src/docker/host.js';
import { forStudents, type CheckResult, type GradingReport } from '../../src/engine/results.js';
import { parseRuleset } from '../../src/net/iptables.js';

function report(checks: CheckResult[]): GradingReport {
  return {
    tool: { name: 'docknet', version: '0' },
    host: 'unix:///x',
    engine: { version: '26', apiVersion: '1.45' },
    startedAt: '2026-11-24T00:00:00Z',
    durationMs: 1,
    score: 0,
    maxScore: 3,
    exercises: [{ id: 'e', title: 'E', score: 0, maxScore: 3, durationMs: 1, checks }],
  };
}

describe('hidden checks', () => {
  const base = {
    points: 0,
    maxPoints: 1,
    durationMs: 1,
    expected: '80/tcp accepted',
    actual: 'dropped',
    hint: 'look at rule 3',
  };
  it('keep their status and points for students, but not what they expected, found or hint at', () => {
    const shown = forStudents(
      report([
        {
          ...base,
          id: 'h',
          title: 'Hidden',
          status: 'failed',
          message: 'tcp/80 from outside was dropped by rule 3',
          hidden: true,
        },
        { ...base, id: 'v', title: 'Visible', status: 'failed', message: 'visible message' },
        {
          ...base,
          id: 's',
          title: 'Skipped',
          status: 'skipped',
          message: 'not checked because "Visible" failed',
          hidden: true,
        },
      ]),
    ).exercises[0].checks;
    expect(shown[0]).to.include({ status: 'failed', maxPoints: 1 }).and.not.have.any.keys('expected', 'actual', 'hint');
    expect(shown[0].message).to.not.include('rule 3');
    expect(shown[1]).to.include({ message: 'visible message', expected: '80/tcp accepted', hint: 'look at rule 3' });
    expect(shown[2].message).to.equal('not checked because "Visible" failed');
  });
});

describe('doctor findings', () => {
  const network = (Name: string, subnets: string[]) =>
    ({ Name, Id: Name, IPAM: { Config: subnets.map((Subnet) => ({ Subnet })) } }) as unknown as NetworkDetails;
  it('names networks whose subnets overlap, once per pair', () => {
    expect(
      overlappingSubnets([
        network('a', ['10.1.0.0/16']),
        network('b', ['10.1.2.0/24', 'fd00::/64']),
        network('c', ['10.2.0.0/16']),
      ]),
    ).to.deep.equal(['networks a (10.1.0.0/16) and b (10.1.2.0/24) overlap']);
  });

  it('names DOCKER-USER rules behind one that decides every packet', () => {
    const appended = parseRuleset(
      '-N DOCKER-USER\n-A DOCKER-USER -j RETURN\n-A DOCKER-USER -p tcp -m tcp --dport 80 -j ACCEPT\n',
    );
    expect(unreachableRules(appended)).to.have.length(1);
    expect(unreachableRules(appended)[0]).to.match(
      /^DOCKER-USER rule 2 .* is never reached: rule 1 \(-A DOCKER-USER -j RETURN\)/,
    );
    const fine = parseRuleset(
      '-N DOCKER-USER\n-A DOCKER-USER -p tcp -m tcp --dport 80 -j ACCEPT\n-A DOCKER-USER -j RETURN\n',
    );
    expect(unreachableRules(fine)).to.deep.equal([]);
  });
});
