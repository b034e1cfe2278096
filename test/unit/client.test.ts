import { expect } from 'chai';
import { resolveTarget } from '../../src/docker/client.js';
import { UsageError } from '../../src/errors.js';

describe('engine address', () => {
  it('defaults to the local socket', () => {
    expect(resolveTarget(undefined, {})).to.deep.equal({ label: 'unix:///var/run/docker.sock', options: { socketPath: '/var/run/docker.sock' } });
  });

  it('prefers --host over DOCKER_HOST', () => {
    expect(resolveTarget('unix:///a.sock', { DOCKER_HOST: 'unix:///b.sock' }).label).to.equal('unix:///a.sock');
    expect(resolveTarget(undefined, { DOCKER_HOST: 'unix:///b.sock' }).label).to.equal('unix:///b.sock');
  });

  it('reads tcp:// with the default ports', () => {
    expect(resolveTarget('tcp://10.1.2.3', {}).options).to.deep.include({ host: '10.1.2.3', port: 2375, protocol: 'http' });
    expect(resolveTarget('tcp://lab:4243', {}).label).to.equal('tcp://lab:4243');
  });

  it('reads ssh:// and never shows a password in its label', () => {
    const target = resolveTarget('ssh://student:secret@lab-07:2222', {});
    expect(target.label).to.equal('ssh://student@lab-07:2222');
    expect(target.options).to.deep.include({ protocol: 'ssh', host: 'lab-07', port: 2222, username: 'student' });
  });

  it('names TLS material it cannot read as a usage error', () => {
    expect(() => resolveTarget('tcp://lab:2376', { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/nonexistent' })).to.throw(UsageError, /TLS certificates in \/nonexistent/);
  });

  it('rejects addresses it cannot use with a usage error', () => {
    expect(() => resolveTarget('http://lab', {})).to.throw(UsageError, /unsupported/);
    expect(() => resolveTarget('not a url', {})).to.throw(UsageError, /cannot understand/);
  });
});
