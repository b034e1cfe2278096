import { expect } from 'chai';
import { internalNetwork as grader } from '../../../graders/internal-network.js';
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

const bridge = network('bridge', { ipam: [pool('172.17.0.0/16', { gateway: '172.17.0.1' })] });
const hostNet = network('host', { driver: 'host' });
const secure = network('secure-network', { internal: true, ipam: [pool('172.30.0.0/16')] });
const APP_IP = '172.30.0.2';
const DB_IP = '172.30.0.3';
const app = container('secure-app', [endpoint(secure, APP_IP)]);
const db = container('secure-db', [endpoint(secure, DB_IP)]);

function grade(networks: Network[], containers: Container[], quirks?: Quirks) {
  return gradeInMemory(grader, memoryContext(new MemoryHost([bridge, hostNet, ...networks], containers), quirks));
}

describe('internal-network grader on in-memory hosts', () => {
  it('passes every check for the course text: both containers on an internal secure-network', async () => {
    const ctx = memoryContext(new MemoryHost([bridge, hostNet, secure], [app, db]));
    const { statuses, result } = await gradeInMemory(grader, ctx);
    expect(statuses).to.deep.equal(allPassedBut(grader));
    expect(ctx.probes.lookups).to.deep.equal(['join:secure-app secure-db']);
    expect(result('db-resolves').message).to.equal(`secure-db resolves to ${DB_IP} inside secure-app`);
    expect(result('secure-app-isolated').actual).to.equal('no answer from 198.18.0.2:80');
  });

  it('fails network-exists and skips what needs the network when there is none (no-network)', async () => {
    const { statuses, result } = await grade(
      [],
      [
        container('secure-app', [endpoint(bridge, '172.17.0.2')]),
        container('secure-db', [endpoint(bridge, '172.17.0.3')]),
      ],
    );
    expect(statuses).to.deep.equal(
      allPassedBut(grader, {
        'network-exists': 'failed',
        'network-driver': 'skipped',
        'network-internal': 'skipped',
        'secure-app-attached': 'skipped',
        'secure-db-attached': 'skipped',
        'secure-app-only-internal': 'failed',
        'secure-db-only-internal': 'failed',
        'db-resolves': 'skipped',
        'db-answers': 'skipped',
        'secure-app-isolated': 'failed',
        'secure-db-isolated': 'failed',
      }),
    );
    expect(result('network-exists')).to.include({
      message: 'there is no network named secure-network',
      hint: 'docker network create --internal secure-network',
    });
    expect(result('secure-app-only-internal').actual).to.equal('not internal: bridge');
  });

  it('fails network-driver for another driver', async () => {
    const { statuses, result } = await grade([{ ...secure, driver: 'macvlan' }], [app, db]);
    expect(statuses).to.deep.equal(allPassedBut(grader, { 'network-driver': 'failed' }));
    expect(result('network-driver')).to.include({
      message: 'secure-network uses the macvlan driver',
      actual: 'driver macvlan',
    });
  });

  it('fails network-internal, only-internal and isolation when secure-network is not internal (not-internal)', async () => {
    const { statuses, result } = await grade([{ ...secure, internal: false }], [app, db]);
    expect(statuses).to.deep.equal(
      allPassedBut(grader, {
        'network-internal': 'failed',
        'secure-app-only-internal': 'failed',
        'secure-db-only-internal': 'failed',
        'secure-app-isolated': 'failed',
        'secure-db-isolated': 'failed',
      }),
    );
    expect(result('network-internal')).to.include({ expected: 'Internal: true', actual: 'Internal: false' });
    expect(result('secure-db-isolated').message).to.equal('secure-db can reach a server outside secure-network');
  });

  it('fails running and skips what needs it when the exact names do not exist (wrong-names)', async () => {
    const { statuses, result } = await grade(
      [secure],
      [container('secure-app-1', [endpoint(secure, APP_IP)]), container('secure-db-1', [endpoint(secure, DB_IP)])],
    );
    expect(statuses).to.deep.equal(
      allPassedBut(grader, {
        'secure-app-running': 'failed',
        'secure-db-running': 'failed',
        'secure-app-attached': 'skipped',
        'secure-db-attached': 'skipped',
        'secure-app-only-internal': 'skipped',
        'secure-db-only-internal': 'skipped',
        'db-resolves': 'skipped',
        'db-answers': 'skipped',
        'secure-app-isolated': 'skipped',
        'secure-db-isolated': 'skipped',
      }),
    );
    expect(result('secure-app-running')).to.include({
      message: 'there is no container named secure-app',
      actual: 'no such container',
    });
  });

  it('fails running for a stopped container, with its exit code (db-exited)', async () => {
    const { statuses, result } = await grade(
      [secure],
      [app, container('secure-db', [endpoint(secure, DB_IP, { address: undefined })], { ...exited, exitCode: 3 })],
    );
    expect(statuses).to.deep.equal(
      allPassedBut(grader, {
        'secure-db-running': 'failed',
        'secure-db-attached': 'skipped',
        'secure-db-only-internal': 'skipped',
        'db-resolves': 'skipped',
        'db-answers': 'skipped',
        'secure-db-isolated': 'skipped',
      }),
    );
    expect(result('secure-db-running')).to.include({
      message: 'secure-db is not running',
      actual: 'state exited (exit code 3)',
    });
  });

  it('fails attached, only-internal and isolation for a container on the default bridge only (db-on-default-bridge)', async () => {
    const ctx = memoryContext(
      new MemoryHost([bridge, hostNet, secure], [app, container('secure-db', [endpoint(bridge, '172.17.0.3')])]),
    );
    const { statuses, result } = await gradeInMemory(grader, ctx);
    expect(ctx.probes.lookups, 'secure-db is not on the network, so its name is never asked').to.deep.equal([]);
    expect(statuses).to.deep.equal(
      allPassedBut(grader, {
        'secure-db-attached': 'failed',
        'secure-db-only-internal': 'failed',
        'db-resolves': 'skipped',
        'db-answers': 'skipped',
        'secure-db-isolated': 'failed',
      }),
    );
    expect(result('secure-db-attached')).to.include({
      actual: 'bridge',
      hint: 'docker network connect secure-network secure-db',
    });
  });

  it('fails only-internal and isolation for a second, open network (app-also-on-bridge)', async () => {
    const { statuses, result } = await grade(
      [secure],
      [container('secure-app', [endpoint(secure, APP_IP), endpoint(bridge, '172.17.0.2')]), db],
    );
    expect(statuses).to.deep.equal(
      allPassedBut(grader, { 'secure-app-only-internal': 'failed', 'secure-app-isolated': 'failed' }),
    );
    expect(result('secure-app-only-internal')).to.include({
      actual: 'not internal: bridge',
      hint: 'docker network disconnect bridge secure-app',
    });
  });

  it("fails attached and only-internal for a container in the host's network namespace", async () => {
    const onHost = container('secure-app', [endpoint(hostNet, '', { address: undefined })], { networkMode: 'host' });
    const { statuses, result } = await grade([secure], [onHost, db]);
    expect(statuses).to.deep.equal(
      allPassedBut(grader, {
        'secure-app-attached': 'failed',
        'secure-app-only-internal': 'failed',
        'db-resolves': 'skipped',
        'db-answers': 'skipped',
        'secure-app-isolated': 'failed',
      }),
    );
    expect(result('secure-app-only-internal')).to.include({
      message: "secure-app uses the host's network",
      actual: 'network mode host',
    });
    expect(result('secure-app-attached').actual).to.equal('host');
  });

  it('does not count the none network as a way out', async () => {
    const none = network('none', { driver: 'null' });
    const { statuses } = await grade(
      [secure, none],
      [container('secure-app', [endpoint(none, '', { address: undefined }), endpoint(secure, APP_IP)]), db],
    );
    expect(statuses).to.deep.equal(allPassedBut(grader));
  });

  it('fails db-resolves, and skips db-answers, when the name gives none of secure-db’s addresses', async () => {
    const { statuses, result } = await grade([secure], [app, db], { dns: { 'secure-db': [] } });
    expect(statuses).to.deep.equal(allPassedBut(grader, { 'db-resolves': 'failed', 'db-answers': 'skipped' }));
    expect(result('db-resolves')).to.include({ expected: `one of ${DB_IP}`, actual: 'no answer' });
  });

  it('fails db-answers when secure-db drops ICMP', async () => {
    const { statuses, result } = await grade([secure], [app, db], { dropsPings: [DB_IP] });
    expect(statuses).to.deep.equal(allPassedBut(grader, { 'db-answers': 'failed' }));
    expect(result('db-answers').message).to.equal(`secure-db (${DB_IP}) does not answer secure-app`);
  });

  it('reports isolation as an error, never a pass, when even the control cannot reach the sentinel', async () => {
    const { statuses, result } = await grade([secure], [app, db], { sentinelUnreachable: true });
    expect(statuses).to.deep.equal(
      allPassedBut(grader, { 'secure-app-isolated': 'error', 'secure-db-isolated': 'error' }),
    );
    expect(result('secure-app-isolated').message).to.match(
      /^cannot judge isolation: the sentinel at 198\.18\.0\.2:80 is unreachable even from the default bridge network/,
    );
  });

  it('speaks Korean with the right particles', async () => {
    const { result } = await gradeInMemory(
      grader,
      memoryContext(
        new MemoryHost([bridge, hostNet, secure], [container('secure-app', [endpoint(secure, APP_IP)], exited), db]),
      ),
      'ko',
    );
    expect(result('secure-app-running').message).to.equal('secure-app 이 실행 중이 아닙니다');
  });
});
