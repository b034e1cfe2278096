import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import {
  fingerprint,
  hostKeyCheck,
  knownHostsLine,
  knownHostsName,
  knownKeysFor,
  normalizeFingerprint,
} from '../../src/docker/known-hosts.js';

/** An ed25519 public key in the SSH wire format a server presents, and its OpenSSH text form. */
function hostKey(): { blob: Buffer; text: string } {
  const raw = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const string = (b: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(b.length);
    return Buffer.concat([length, b]);
  };
  const blob = Buffer.concat([string(Buffer.from('ssh-ed25519')), string(raw)]);
  return { blob, text: `ssh-ed25519 ${blob.toString('base64')}` };
}

describe('SSH host keys', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'docknet-known-hosts-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const file = (text: string) => {
    writeFileSync(join(dir, 'known_hosts'), text);
    return join(dir, 'known_hosts');
  };

  it('prints fingerprints as ssh-keygen -l does', async () => {
    const key = hostKey();
    const path = join(dir, 'k.pub');
    writeFileSync(path, `${key.text} test\n`);
    const { stdout } = await execa('ssh-keygen', ['-l', '-f', path]);
    expect(stdout.split(' ')[1]).to.equal(fingerprint(key.blob));
    expect(normalizeFingerprint(`${fingerprint(key.blob)}=`)).to.equal(fingerprint(key.blob));
    expect(normalizeFingerprint('MD5:aa:bb')).to.equal(undefined);
  });

  it('names hosts as known_hosts does: bare on port 22, [host]:port elsewhere', () => {
    expect(knownHostsName('lab-07', 22)).to.equal('lab-07');
    expect(knownHostsName('10.0.0.5', 2222)).to.equal('[10.0.0.5]:2222');
    expect(knownHostsName('[::1]', 22)).to.equal('::1');
  });

  it('finds plain, wildcard and hashed entries (hashed by ssh-keygen -H), and honours negation', async () => {
    const [a, b, c] = [hostKey(), hostKey(), hostKey()];
    const path = file(
      `# comment\n\nlab-*,!lab-9 ${a.text}\n[10.0.0.5]:2222 ${b.text} c\n10.0.0.6 ${c.text}\n@cert-authority * ${a.text}\n`,
    );
    await execa('ssh-keygen', ['-H', '-f', path]);
    const text = readFileSync(path, 'utf8');
    expect(text).to.match(/^\|1\|/m);
    expect(text).to.not.include('10.0.0.6');
    expect(knownKeysFor(text, '[10.0.0.5]:2222').map((k) => fingerprint(k.blob))).to.deep.equal([fingerprint(b.blob)]);
    expect(knownKeysFor(text, '10.0.0.6').map((k) => fingerprint(k.blob))).to.deep.equal([fingerprint(c.blob)]);
    expect(knownKeysFor(text, '10.0.0.5')).to.deep.equal([]);
    // ssh-keygen -H leaves wildcard lines as they are
    expect(knownKeysFor(text, 'LAB-3')).to.have.length(1);
    expect(knownKeysFor(text, 'lab-9')).to.deep.equal([]);
  });

  it('trusts the key on record, and refuses a changed, unknown or revoked one, naming the fingerprint offered', () => {
    const [good, other] = [hostKey(), hostKey()];
    const policy = { knownHosts: file(`[lab]:2222 ${good.text}\n@revoked * ${other.text}\n`) };
    const check = hostKeyCheck(policy, '[lab]:2222', 'ssh://u@lab:2222');
    expect(check.algorithms).to.deep.equal(['ssh-ed25519']);
    expect(check.verify(good.blob)).to.equal(undefined);
    expect(check.verify(hostKey().blob)).to.match(
      /has changed: it offers the ssh-ed25519 key SHA256:\S+, .*line 1: ssh-ed25519 SHA256:/,
    );
    expect(check.verify(other.blob))
      .to.include(`ssh-ed25519 key ${fingerprint(other.blob)}`)
      .and.include('@revoked');
    const fresh = hostKey();
    expect(hostKeyCheck(policy, 'elsewhere', 'ssh://elsewhere').verify(fresh.blob))
      .to.include(`unknown: it offers the ssh-ed25519 key ${fingerprint(fresh.blob)}`)
      .and.include('--ssh-accept-new');
  });

  it('with the roster hostkey, trusts only that fingerprint', () => {
    const [good, bad] = [hostKey(), hostKey()];
    const check = hostKeyCheck({ knownHosts: join(dir, 'none'), expected: fingerprint(good.blob) }, 'lab', 'ssh://lab');
    expect(check.verify(good.blob)).to.equal(undefined);
    expect(check.verify(bad.blob)).to.include(
      `offers the ssh-ed25519 key ${fingerprint(bad.blob)}, the roster's hostkey is ${fingerprint(good.blob)}`,
    );
  });

  it('with acceptNew, records a first-seen key once, hashed, where ssh-keygen -F finds it; a changed key is still refused', async () => {
    const key = hostKey();
    const path = join(dir, 'sub', 'known_hosts');
    const policy = { knownHosts: path, acceptNew: true };
    expect(hostKeyCheck(policy, '[127.0.0.1]:2022', 'x').verify(key.blob)).to.equal(undefined);
    expect(
      hostKeyCheck(policy, '[127.0.0.1]:2022', 'x').verify(key.blob),
      'a second student on that host, checked before the first recorded',
    ).to.equal(undefined);
    const text = readFileSync(path, 'utf8');
    expect(text.trim().split('\n')).to.have.length(1);
    expect(text).to.match(/^\|1\|[^| ]+\|[^| ]+ ssh-ed25519 /);
    const { stdout } = await execa('ssh-keygen', ['-F', '[127.0.0.1]:2022', '-f', path]);
    expect(stdout).to.include(key.blob.toString('base64'));
    expect(hostKeyCheck(policy, '[127.0.0.1]:2022', 'x').verify(hostKey().blob)).to.match(/has changed/);
    expect(knownHostsLine('h', key.blob)).to.not.equal(knownHostsLine('h', key.blob), 'a fresh salt each time');
  });
});
