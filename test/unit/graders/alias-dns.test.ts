import { expect } from 'chai';
import { aliasDns as grader } from '../../../graders/alias-dns.js';
import type { Container, Network } from '../../../src/engine/views.js';
import {
  allPassedBut,
  container,
  endpoint,
  exited,
  gradeInMemory,
  memoryContext,
  MemoryHost,
  network,
  pool,
  type Quirks,
} from '../../support/memory-host.js';

const bridge = network('bridge', { ipam: [pool('172.17.0.0/16')] });
const mine = network('my-network', { ipam: [pool('172.25.0.0/16')] });
const other = network('lab-other', { ipam: [pool('172.26.0.0/16')] });
const on = (address: string, ...aliases: string[]) => endpoint(mine, address, { aliases });
const web1 = container('alias-web-1', [on('172.25.0.2', 'web')]);
const api1 = container('alias-api-1', [on('172.25.0.3', 'api')]);

function grade(networks: Network[], containers: Container[], quirks?: Quirks) {
  return gradeInMemory(grader, memoryContext(new MemoryHost([bridge, ...networks], containers), quirks));
}

describe('alias-dns grader on in-memory hosts', () => {
  it('passes every check for the course text', async () => {
    const ctx = memoryContext(new MemoryHost([bridge, mine], [web1, api1]));
    const { statuses, result } = await gradeInMemory(grader, ctx);
    expect(statuses).to.deep.equal(allPassedBut(grader));
    expect(ctx.probes.lookups, 'only from the probe whose DNS upstream stays on the host').to.have.members([
      'own-dns:my-network web',
      'own-dns:my-network api',
    ]);
    expect(result('web-alias').message).to.equal('alias web is configured on my-network for alias-web-1');
    expect(result('api-resolves')).to.include({
      message: 'api resolves to 172.25.0.3 on my-network',
      actual: '172.25.0.3',
    });
  });

  it('expects a shared alias to resolve to every running carrier (shared-web-alias)', async () => {
    const { statuses, result } = await grade([mine], [web1, container('alias-web-2', [on('172.25.0.4', 'web')]), api1]);
    expect(statuses).to.deep.equal(allPassedBut(grader));
    expect(result('web-resolves').message).to.equal('web resolves to 172.25.0.2, 172.25.0.4 on my-network');
  });

  it('leaves a stopped carrier out of the expected answer (alias-by-connect)', async () => {
    const stopped = container('alias-web-2', [endpoint(mine, '', { address: undefined, aliases: ['web'] })], exited);
    const { statuses } = await grade(
      [mine],
      [container('alias-web-1', [endpoint(bridge, '172.17.0.2'), on('172.25.0.2', 'web')]), stopped, api1],
    );
    expect(statuses).to.deep.equal(allPassedBut(grader));
  });

  it('fails network-exists and skips the rest without my-network (no-network)', async () => {
    const { statuses, result } = await grade(
      [],
      [
        container('alias-web-1', [endpoint(bridge, '172.17.0.2')]),
        container('alias-api-1', [endpoint(bridge, '172.17.0.3')]),
      ],
    );
    expect(statuses).to.deep.equal(
      allPassedBut(grader, {
        'network-exists': 'failed',
        'web-alias': 'skipped',
        'api-alias': 'skipped',
        'web-resolves': 'skipped',
        'api-resolves': 'skipped',
      }),
    );
    expect(result('network-exists')).to.include({
      expected: 'a user-defined network named my-network',
      hint: 'docker network create my-network',
    });
  });

  it('fails an alias that no container on my-network has (api-alias-missing)', async () => {
    const ctx = memoryContext(new MemoryHost([bridge, mine], [web1, container('alias-api-1', [on('172.25.0.3')])]));
    const { statuses, result } = await gradeInMemory(grader, ctx);
    expect(statuses).to.deep.equal(allPassedBut(grader, { 'api-alias': 'failed', 'api-resolves': 'skipped' }));
    expect(ctx.probes.lookups, 'a name known not to exist is never asked').to.deep.equal(['own-dns:my-network web']);
    expect(result('api-alias')).to.include({
      message: 'no container on my-network has the alias api',
      actual: 'alias-web-1: web; alias-api-1: no alias',
      hint: 'docker run -d --network my-network --network-alias api <image>',
    });
  });

  it('fails an alias when no container on my-network runs', async () => {
    const { statuses, result } = await grade([mine], []);
    expect(statuses).to.deep.equal(
      allPassedBut(grader, {
        'web-alias': 'failed',
        'api-alias': 'failed',
        'web-resolves': 'skipped',
        'api-resolves': 'skipped',
      }),
    );
    expect(result('web-alias').actual).to.equal('no running container on my-network');
  });

  it('fails an alias that is only a container name (merely-named-web)', async () => {
    const { statuses, result } = await grade([mine], [container('web', [on('172.25.0.2')]), api1]);
    expect(statuses).to.deep.equal(allPassedBut(grader, { 'web-alias': 'failed', 'web-resolves': 'skipped' }));
    expect(result('web-alias').message).to.equal('only a container NAMED web is on my-network: a name is not an alias');
  });

  it('fails resolution when a container named like the alias adds its address (named-web-beside-alias)', async () => {
    const { statuses, result } = await grade([mine], [container('web', [on('172.25.0.9')]), web1, api1]);
    expect(statuses).to.deep.equal(allPassedBut(grader, { 'web-resolves': 'failed' }));
    expect(result('web-resolves')).to.include({
      expected: '172.25.0.2 (alias-web-1)',
      actual: '172.25.0.2 (alias-web-1), 172.25.0.9 (web)',
      hint: 'the container NAMED web answers to that name too: rename it (docker rename web web-old)',
    });
  });

  it('fails resolution when DNS gives no answer', async () => {
    const { statuses, result } = await grade([mine], [web1, api1], { dns: { web: [] } });
    expect(statuses).to.deep.equal(allPassedBut(grader, { 'web-resolves': 'failed' }));
    expect(result('web-resolves')).to.include({ actual: 'no answer' });
    expect(result('web-resolves').hint).to.match(/^compare with docker network inspect my-network/);
  });

  it('fails an alias configured on another network (web-alias-on-other-network)', async () => {
    const elsewhere = container('alias-web-1', [endpoint(other, '172.26.0.2', { aliases: ['web'] }), on('172.25.0.2')]);
    const { statuses, result } = await grade([mine, other], [elsewhere, api1]);
    expect(statuses).to.deep.equal(allPassedBut(grader, { 'web-alias': 'failed', 'web-resolves': 'skipped' }));
    expect(result('web-alias')).to.include({
      message: 'alias web is configured on another network, not on my-network',
      actual: 'alias-web-1 has it on lab-other',
      hint: "aliases belong to one network's endpoint: docker network disconnect my-network alias-web-1 && docker network connect --alias web my-network alias-web-1",
    });
  });

  it('fails an alias whose only carrier has stopped (web-carrier-stopped)', async () => {
    const stopped = container('alias-web-1', [endpoint(mine, '', { address: undefined, aliases: ['web'] })], exited);
    const { statuses, result } = await grade([mine], [stopped, api1]);
    expect(statuses).to.deep.equal(allPassedBut(grader, { 'web-alias': 'failed', 'web-resolves': 'skipped' }));
    expect(result('web-alias')).to.include({
      message: 'alias web is configured on my-network only for containers that are not running',
      actual: 'alias-web-1: exited',
    });
  });

  it('fails api when one container carries both aliases (one-container-both-aliases)', async () => {
    const { statuses, result } = await grade([mine], [container('alias-web-1', [on('172.25.0.2', 'web', 'api')])]);
    expect(statuses).to.deep.equal(allPassedBut(grader, { 'api-alias': 'failed', 'api-resolves': 'skipped' }));
    expect(result('api-alias')).to.include({
      message: 'alias-web-1 carries both web and api',
      actual: 'alias-web-1: web, api',
    });
  });
});
