import { expect } from 'chai';
import { authorize, GRANT_HEADER, type AuthzRequest } from '../../src/sandbox/authz.js';

const GRANT = 'a'.repeat(64);
const policy = { grant: GRANT, solutionEnded: false };

function post(uri: string, body: unknown, headers: Record<string, string> = {}): AuthzRequest {
  const text = JSON.stringify(body);
  return {
    RequestMethod: 'POST',
    RequestURI: uri,
    RequestBody: Buffer.from(text).toString('base64'),
    RequestHeaders: { 'Content-Type': 'application/json', 'Content-Length': String(text.length), ...headers },
  };
}
const create = (body: unknown) => post('/v1.41/containers/create?name=x', { Image: 'img', ...(body as object) });

describe("the sandbox engine's authorization plugin", () => {
  it('lets a solution run ordinary containers, named volumes and network capabilities', () => {
    for (const hostConfig of [
      {},
      { CapAdd: ['NET_ADMIN', 'cap_net_raw'], NetworkMode: 'host' },
      { Binds: ['data:/data', 'cache:/c:ro'], Mounts: [{ Type: 'volume', Source: 'v', Target: '/v' }] },
      { Mounts: [{ Type: 'tmpfs', Target: '/t' }], SecurityOpt: ['no-new-privileges'], PidMode: 'container:web' },
    ]) {
      expect(authorize(create({ HostConfig: hostConfig }), policy), JSON.stringify(hostConfig)).to.deep.equal({
        Allow: true,
      });
    }
    expect(authorize(post('/networks/create', { Name: 'n', Internal: true }), policy).Allow).to.equal(true);
    expect(authorize({ RequestMethod: 'POST', RequestURI: '/images/load', RequestHeaders: {} }, policy).Allow).to.equal(
      true,
    );
  });

  it('refuses whatever gives a container more than the solution has, however it is spelled or placed', () => {
    for (const body of [
      { HostConfig: { Privileged: true } },
      { HostConfig: { privileged: true } },
      { HostConfig: { PRIVILEGED: true } },
      { HostConfig: { ſecurityOpt: ['seccomp=unconfined'] } },
      { Privileged: true }, // the top-level HostConfig old clients send
      { HostConfig: {}, hostconfig: { CapAdd: ['SYS_ADMIN'] } },
      { HostConfig: { CapAdd: ['ALL'] } },
      { HostConfig: { CapAdd: ['CAP_SYS_MODULE'] } },
      { HostConfig: { Devices: [{ PathOnHost: '/dev/sda', PathInContainer: '/dev/sda' }] } },
      { HostConfig: { DeviceCgroupRules: ['b *:* rwm'] } },
      { HostConfig: { SecurityOpt: ['apparmor=unconfined'] } },
      { HostConfig: { SecurityOpt: ['label=disable'] } },
      { HostConfig: { PidMode: 'host' } },
      { HostConfig: { IpcMode: 'host' } },
      { HostConfig: { UsernsMode: 'host' } },
      { HostConfig: { CgroupnsMode: 'host' } },
      { HostConfig: { CgroupParent: '/' } },
      { HostConfig: { MaskedPaths: [] } },
      { HostConfig: { ReadonlyPaths: [] } },
      { HostConfig: { Binds: ['/run/docknet:/x'] } },
      { HostConfig: { Binds: ['../etc:/x'] } },
      { HostConfig: { Mounts: [{ Type: 'bind', Source: '/', Target: '/h' }] } },
      {
        HostConfig: {
          Mounts: [{ Type: 'volume', Target: '/h', VolumeOptions: { DriverConfig: { Options: { device: '/' } } } }],
        },
      },
    ]) {
      expect(authorize(create(body), policy).Allow, JSON.stringify(body)).to.equal(false);
    }
    expect(authorize(post('/v1.41/containers/abc/exec', { Cmd: ['sh'], Privileged: true }), policy).Allow).to.equal(
      false,
    );
    // API versions before 1.24 take a HostConfig on start
    expect(authorize(post('/v1.23/containers/abc/start', { Privileged: true }), policy).Allow).to.equal(false);
    expect(
      authorize(post('/volumes/create', { Name: 'v', DriverOpts: { o: 'bind', device: '/' } }), policy).Allow,
    ).to.equal(false);
    expect(authorize(post('/v1.41/plugins/pull?remote=x', []), policy).Allow).to.equal(false);
    expect(authorize(post('/swarm/init', {}), policy).Allow).to.equal(false);
    expect(authorize(post('//v1.41//swarm/init', {}), policy).Allow).to.equal(false);
    expect(authorize(post('/v1.41/%70lugins/pull', {}), policy).Allow).to.equal(false);
    expect(
      authorize({ RequestMethod: 'GET', RequestURI: '/v1.41/plugins/privileges?remote=x' }, policy).Allow,
    ).to.equal(false);
    expect(authorize({ RequestMethod: 'GET', RequestURI: '/v1.41/plugins' }, policy).Allow).to.equal(true);
    expect(authorize(post('/build?networkmode=host', {}), policy).Allow).to.equal(false);
    expect(authorize(post('/build?t=x&cgroupparent=/', {}), policy).Allow).to.equal(false);
    expect(authorize(post('/build?t=x&networkmode=default', {}), policy).Allow).to.equal(true);
    // a form's values come before the query's in dockerd
    const form = post('/build?t=x', {}, { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(
      authorize({ ...form, RequestBody: Buffer.from('networkmode=host').toString('base64') }, policy).Allow,
    ).to.equal(false);
  });

  it('refuses a JSON body it was not shown, and one that is not JSON', () => {
    const hidden = {
      RequestMethod: 'POST',
      RequestURI: '/containers/create?x=/auth',
      RequestHeaders: { 'Content-Type': 'application/json; charset=utf-8' },
    };
    expect(authorize(hidden, policy).Allow).to.equal(false);
    expect(
      authorize({ ...hidden, RequestHeaders: { ...hidden.RequestHeaders, 'Content-Length': '0' } }, policy).Allow,
    ).to.equal(true);
    expect(
      authorize({ ...hidden, RequestBody: Buffer.from('{"Privileged":tru').toString('base64') }, policy).Allow,
    ).to.equal(false);
  });

  it('after the solution ended lets others only read, and the grader do anything', () => {
    const ended = { ...policy, solutionEnded: true };
    expect(authorize(create({}), ended).Allow).to.equal(false);
    expect(authorize({ RequestMethod: 'DELETE', RequestURI: '/containers/x' }, ended).Allow).to.equal(false);
    expect(authorize({ RequestMethod: 'GET', RequestURI: '/containers/json' }, ended).Allow).to.equal(true);
    const probe = create({ HostConfig: { PidMode: 'host', CapAdd: ['SYS_ADMIN'], Binds: ['/:/host:ro'] } });
    expect(
      authorize({ ...probe, RequestHeaders: { ...probe.RequestHeaders, [GRANT_HEADER]: GRANT } }, ended).Allow,
    ).to.equal(true);
    expect(
      authorize({ ...probe, RequestHeaders: { ...probe.RequestHeaders, [GRANT_HEADER]: 'b'.repeat(64) } }, policy)
        .Allow,
    ).to.equal(false);
  });
});
