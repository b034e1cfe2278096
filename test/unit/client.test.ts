import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { connect, resolveTarget, targetFor } from '../../src/docker/client.js';
import { UsageError } from '../../src/errors.js';

describe('engine address', () => {
  it('defaults to the local socket', () => {
    const target = resolveTarget(undefined, {});
    expect(target.label).to.equal('unix:///var/run/docker.sock');
    expect(target.options).to.include({ socketPath: '/var/run/docker.sock', host: undefined });
  });

  it('prefers --host over DOCKER_HOST', () => {
    expect(resolveTarget('unix:///a.sock', { DOCKER_HOST: 'unix:///b.sock' }).label).to.equal('unix:///a.sock');
    expect(resolveTarget(undefined, { DOCKER_HOST: 'unix:///b.sock' }).label).to.equal('unix:///b.sock');
  });

  it('reads tcp:// with the default ports', () => {
    expect(resolveTarget('tcp://10.1.2.3', {}, { insecure: true, warn: () => {} }).options).to.deep.include({
      host: '10.1.2.3',
      port: 2375,
      protocol: 'http',
    });
    expect(resolveTarget('tcp://127.0.0.1', {}).options).to.deep.include({ port: 2375 });
    expect(resolveTarget('tcp://lab:4243', {}, { insecure: true, warn: () => {} }).label).to.equal('tcp://lab:4243');
  });

  it('reads ssh:// and never shows a password in its label', () => {
    const target = resolveTarget('ssh://student:secret@lab-07:2222', {});
    expect(target.label).to.equal('ssh://student@lab-07:2222');
    expect(target.sshAgent, 'requests go over one SSH connection').to.not.equal(undefined);
  });

  it('reads the host directly only through the standard socket: another may be an engine in its own namespaces', () => {
    expect(targetFor('unix:///var/run/docker.sock').sameHost).to.equal(true);
    expect(targetFor('unix:///run/docker.sock').sameHost).to.equal(true);
    expect(targetFor('unix:///tmp/lab-a/docker.sock').sameHost).to.equal(false);
    expect(targetFor('tcp://127.0.0.1:2375').sameHost).to.equal(false);
  });

  it('names every option itself, so DOCKER_HOST cannot redirect a roster entry', () => {
    const target = targetFor('unix:///run/lab.sock', {});
    for (const key of ['host', 'port', 'protocol', 'ca', 'cert', 'key'])
      expect(target.options).to.have.property(key, undefined);
  });

  it('speaks TLS to tcp:// exactly when a TLS directory is given', () => {
    expect(targetFor('tcp://localhost:2376', {}).options.protocol).to.equal('http');
    expect(() => targetFor('tcp://lab', { tlsDir: '/nonexistent' })).to.throw(
      UsageError,
      /TLS certificates in \/nonexistent/,
    );
  });

  it('names an SSH identity it cannot read as a usage error', () => {
    expect(() => targetFor('ssh://u@lab', { identity: '/nonexistent/key' })).to.throw(
      UsageError,
      /SSH identity \/nonexistent\/key/,
    );
  });

  it('names TLS material it cannot read as a usage error', () => {
    expect(() =>
      resolveTarget('tcp://lab:2376', { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/nonexistent' }),
    ).to.throw(UsageError, /TLS certificates in \/nonexistent/);
  });

  it('turns TLS on for any value of DOCKER_TLS_VERIFY, as the docker CLI does, even "0"', () => {
    for (const value of ['1', '0', 'yes']) {
      expect(
        () => resolveTarget('tcp://lab:2376', { DOCKER_TLS_VERIFY: value, DOCKER_CERT_PATH: '/nonexistent' }),
        value,
      ).to.throw(UsageError, /TLS certificates/);
    }
    expect(resolveTarget('tcp://127.0.0.1:2375', { DOCKER_TLS_VERIFY: '' }).options.protocol).to.equal('http');
  });

  it('refuses plain tcp:// beyond this machine without --insecure, and with it warns once per endpoint', () => {
    expect(() => resolveTarget('tcp://10.9.8.7:2375', {})).to.throw(
      UsageError,
      /tcp:\/\/10\.9\.8\.7:2375 is plain HTTP.*--insecure/,
    );
    expect(() => targetFor('tcp://[::1]:2375', {})).to.not.throw();
    const lines: string[] = [];
    const policy = { insecure: true, warn: (line: string) => lines.push(line) };
    targetFor('tcp://10.9.8.7:2375', {}, policy);
    targetFor('tcp://10.9.8.7:2375', {}, policy);
    expect(lines).to.deep.equal([
      'warning: tcp://10.9.8.7:2375 is plain HTTP (--insecure): anyone on the path can read and drive that engine',
    ]);
  });

  it('rejects addresses it cannot use with a usage error', () => {
    expect(() => resolveTarget('http://lab', {})).to.throw(UsageError, /unsupported/);
    expect(() => resolveTarget('not a url', {})).to.throw(UsageError, /cannot understand/);
  });
});

describe('engine identity', () => {
  let dir: string;
  let server: Server;
  let info: unknown;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'docknet-engine-'));
    // an engine that answers /version, and /info with whatever the test sets (404 when undefined)
    server = createServer((req, res) => {
      const body = req.url?.endsWith('/version')
        ? { Version: '20.10.24+dfsg1', ApiVersion: '1.41', Os: 'linux', Arch: 'amd64' }
        : info;
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? { message: 'page not found' }));
    });
    await new Promise<void>((resolve) => server.listen(join(dir, 'docker.sock'), resolve));
  });
  after(() => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const engineInfo = async () => {
    const engine = await connect(resolveTarget(`unix://${join(dir, 'docker.sock')}`, {}), 5000);
    engine.close();
    return engine.info;
  };

  it('is rootless when the engine lists name=rootless among its security options, and says nothing otherwise', async () => {
    info = { SecurityOptions: ['name=seccomp,profile=default', 'name=rootless'] };
    expect(await engineInfo()).to.deep.equal({
      version: '20.10.24+dfsg1',
      apiVersion: '1.41',
      os: 'linux',
      arch: 'amd64',
      rootless: true,
    });
    info = { SecurityOptions: ['name=seccomp,profile=default', 'name=cgroupns'] };
    expect(await engineInfo()).to.not.have.property('rootless');
    info = undefined;
    expect(await engineInfo(), 'an engine without /info').to.not.have.property('rootless');
  });
});
