import { expect } from 'chai';
import { dataCheck } from '../../src/engine/vocabulary.js';
import { container, endpoint, memoryContext, MemoryHost, network, type Quirks } from '../support/memory-host.js';

const frontend = network('frontend');
const backend = network('backend');
const WEB = '10.0.1.2';
const API = '10.0.2.2';
const check = dataCheck('web-cannot-reach-api', { kind: 'cannot-reach', from: 'web', to: 'api' });

async function judge(quirks: Quirks) {
  const ctx = memoryContext(
    new MemoryHost(
      [frontend, backend],
      [container('web', [endpoint(frontend, WEB)]), container('api', [endpoint(backend, API)])],
    ),
    quirks,
  );
  const outcome = await check.run(ctx);
  const deadlines = ctx.probes.asked.filter((a) => a.address === API).map((a) => a.deadlineS);
  return { passed: outcome.passed, deadlines };
}

describe('cannot-reach: silence decided quickly, but never on a loaded host', () => {
  it('passes a silent address after one short wait when the control answers at once', async () => {
    expect(await judge({})).to.deep.equal({ passed: true, deadlines: [0.15] });
  });

  it('fails an address that answers across networks, without a second wait', async () => {
    expect(await judge({ answersAcross: [API] })).to.deep.equal({ passed: false, deadlines: [0.15] });
  });

  it('asks again with a second when the control shows a slow host, and then sees the late answer', async () => {
    expect(await judge({ answersAcross: [API], loaded: true })).to.deep.equal({ passed: false, deadlines: [0.15, 1] });
  });

  it('passes a silent address on a loaded host only after the patient wait', async () => {
    expect(await judge({ loaded: true })).to.deep.equal({ passed: true, deadlines: [0.15, 1] });
  });
});
