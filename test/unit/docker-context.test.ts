import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { resolveTarget } from '../../src/docker/client.js';
import { readContext, selectedContext } from '../../src/docker/context.js';
import { useContextOption } from '../../src/commands/options.js';
import { UsageError } from '../../src/errors.js';

/** A docker CLI configuration directory as `docker context create` leaves it. */
function contextStore() {
  const dir = mkdtempSync(join(tmpdir(), 'docknet-contexts-'));
  const id = (name: string) => createHash('sha256').update(name).digest('hex');
  return {
    dir,
    add(name: string, host: string, tls = false) {
      const meta = join(dir, 'contexts', 'meta', id(name));
      mkdirSync(meta, { recursive: true });
      writeFileSync(
        join(meta, 'meta.json'),
        JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }),
      );
      if (tls) {
        const tlsDir = join(dir, 'contexts', 'tls', id(name), 'docker');
        mkdirSync(tlsDir, { recursive: true });
        for (const file of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(tlsDir, file), `${file} of ${name}\n`);
      }
    },
    use(name: string) {
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: {}, currentContext: name }));
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

describe('docker contexts, resolved as the docker CLI does', () => {
  let store: ReturnType<typeof contextStore>;
  beforeEach(() => {
    store = contextStore();
    store.add('second', 'unix:///run/second.sock');
    store.add('lab', 'unix:///run/lab.sock');
  });
  afterEach(() => store.remove());

  it('uses the default endpoint when no context is chosen, or the one named "default"', () => {
    expect(resolveTarget(undefined, { DOCKER_CONFIG: store.dir }).label).to.equal('unix:///var/run/docker.sock');
    store.use('default');
    expect(resolveTarget(undefined, { DOCKER_CONFIG: store.dir }).label).to.equal('unix:///var/run/docker.sock');
  });

  it('follows `docker context use` (currentContext in DOCKER_CONFIG/config.json)', () => {
    store.use('second');
    const target = resolveTarget(undefined, { DOCKER_CONFIG: store.dir });
    expect(target.options.socketPath).to.equal('/run/second.sock');
    expect(target.label).to.equal('unix:///run/second.sock (docker context second)');
  });

  it('finds config.json under HOME/.docker when DOCKER_CONFIG is unset', () => {
    const home = mkdtempSync(join(tmpdir(), 'docknet-home-'));
    try {
      mkdirSync(join(home, '.docker'));
      writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ currentContext: 'nowhere' }));
      expect(() => resolveTarget(undefined, { HOME: home })).to.throw(
        UsageError,
        /docker context "nowhere" does not exist/,
      );
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('puts DOCKER_CONTEXT before currentContext, DOCKER_HOST before both, and --host before everything', () => {
    store.use('second');
    const env = { DOCKER_CONFIG: store.dir, DOCKER_CONTEXT: 'lab' };
    expect(resolveTarget(undefined, env).options.socketPath).to.equal('/run/lab.sock');
    expect(resolveTarget(undefined, { ...env, DOCKER_HOST: 'unix:///env.sock' }).options.socketPath).to.equal(
      '/env.sock',
    );
    expect(resolveTarget('unix:///flag.sock', env).options.socketPath).to.equal('/flag.sock');
  });

  it('puts --context before DOCKER_HOST and DOCKER_CONTEXT, and refuses it beside --host', () => {
    const env: NodeJS.ProcessEnv = { DOCKER_CONFIG: store.dir, DOCKER_HOST: 'unix:///env.sock', DOCKER_CONTEXT: 'lab' };
    useContextOption({ context: 'second' }, env);
    expect(resolveTarget(undefined, env).options.socketPath).to.equal('/run/second.sock');
    expect(() => useContextOption({ context: 'second', host: 'unix:///a.sock' }, {})).to.throw(
      UsageError,
      /either --host or --context/,
    );
  });

  it("reads the context's TLS material from the store", () => {
    store.add('remote', 'tcp://lab.example:2376', true);
    const endpoint = readContext(store.dir, 'remote');
    expect(endpoint.tlsDir).to.match(/contexts\/tls\/[0-9a-f]{64}\/docker$/);
    const target = resolveTarget(undefined, { DOCKER_CONFIG: store.dir, DOCKER_CONTEXT: 'remote' });
    expect(target.options).to.deep.include({ host: 'lab.example', port: 2376, protocol: 'https' });
    expect(String(target.options.ca)).to.equal('ca.pem of remote\n');
    expect(String(target.options.key)).to.equal('key.pem of remote\n');
  });

  it('names a context that does not exist, and a config.json that is not JSON, as usage errors', () => {
    expect(() => selectedContext({ DOCKER_CONFIG: store.dir, DOCKER_CONTEXT: 'typo' })).to.throw(
      UsageError,
      /docker context "typo" does not exist/,
    );
    writeFileSync(join(store.dir, 'config.json'), '{ not json');
    expect(() => selectedContext({ DOCKER_CONFIG: store.dir })).to.throw(UsageError, /config\.json is not valid JSON/);
  });
});
