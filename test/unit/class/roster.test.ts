import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { readRoster } from '../../../src/class/roster.js';
import { UsageError } from '../../../src/errors.js';

describe('roster', () => {
  let dir: string;
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'docknet-roster-unit-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads CSV with any column order, comments and a BOM; credentials resolve against the roster', () => {
    const students = readRoster(
      file(
        'class.csv',
        '\ufeffName,ID,Endpoint,TLS,Identity\n# a comment\n"Kim, Minji",s001,tcp://10.0.0.5:2376,certs/s001,\nLee,s002,ssh://lab@10.0.0.6,,keys/s002\nPark,s003,unix:///var/run/docker.sock,,\n',
      ),
    );
    expect(students.map((s) => [s.id, s.name, s.where])).to.deep.equal([
      ['s001', 'Kim, Minji', 'tcp+tls://10.0.0.5:2376'],
      ['s002', 'Lee', 'ssh://lab@10.0.0.6'],
      ['s003', 'Park', 'unix:///var/run/docker.sock'],
    ]);
    expect(students[0].credentials).to.deep.equal({ tlsDir: join(dir, 'certs/s001') });
    expect(students[1].credentials).to.deep.equal({ identity: join(dir, 'keys/s002') });
  });

  it('reads YAML, as a list or under students:', () => {
    const listed = readRoster(file('a.yaml', '- id: s1\n  endpoint: unix:///a.sock\n'));
    const nested = readRoster(
      file('b.yml', 'students:\n  - id: 7\n    name: Choi\n    endpoint: ssh://u@h\n    identity: /keys/k\n'),
    );
    expect(listed[0]).to.include({ id: 's1', name: '' });
    expect(nested[0]).to.include({ id: '7', name: 'Choi' });
    expect(nested[0].credentials).to.deep.equal({ identity: '/keys/k' });
  });

  it('makes ids safe file names and refuses two that would share one', () => {
    expect(
      readRoster(file('ok.csv', 'id,endpoint\nkim@uni.ac.kr,unix:///a\n../etc,unix:///a\n')).map((s) => s.slug),
    ).to.deep.equal(['kim@uni.ac.kr', '__etc']);
    expect(() => readRoster(file('twice.csv', 'id,endpoint\ns1,unix:///a\ns1,unix:///b\n'))).to.throw(
      UsageError,
      /student 2: id "s1" is listed twice/,
    );
    expect(() => readRoster(file('clash.csv', 'id,endpoint\na/b,unix:///a\na_b,unix:///b\n'))).to.throw(
      UsageError,
      /too close to "a\/b"/,
    );
  });

  it('names the entry and the problem, and never repeats an endpoint that may hold a password', () => {
    const bad = (text: string) => () => readRoster(file('bad.csv', text));
    expect(bad('id,endpoint\ns1,\n')).to.throw(UsageError, /student 1 \(s1\) has no endpoint/);
    expect(bad('id,endpoint\n,unix:///a\n')).to.throw(UsageError, /student 1 has no id/);
    expect(bad('id,endpoint,port\ns1,unix:///a,1\n')).to.throw(UsageError, /unknown fields port/);
    expect(bad('id,endpoint,tls\ns1,ssh://u@h,certs\n')).to.throw(UsageError, /tls is for tcp:\/\/ endpoints only/);
    expect(bad('id,endpoint\ns1,http://h\n')).to.throw(UsageError, /unsupported/);
    const messageOf = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    };
    expect(messageOf(bad('id,endpoint\ns1,ssh://u:hunter2@h\n')))
      .to.match(/password in the endpoint is not supported/)
      .and.not.include('hunter2');
    expect(messageOf(bad('id,endpoint\ns1,not an address hunter2\n')))
      .to.match(/not an engine address/)
      .and.not.include('hunter2');
  });

  it('reads a hostkey fingerprint for ssh:// entries, and refuses anything else there', () => {
    const fp = 'SHA256:' + 'A'.repeat(43);
    const [s1] = readRoster(file('keys.csv', `id,endpoint,hostkey\ns1,ssh://u@lab,${fp}=\n`));
    expect(s1.credentials).to.deep.equal({ hostKey: fp });
    expect(() => readRoster(file('md5.csv', 'id,endpoint,hostkey\ns1,ssh://u@lab,MD5:aa:bb\n'))).to.throw(
      UsageError,
      /hostkey must be a fingerprint/,
    );
    expect(() => readRoster(file('tcp.csv', `id,endpoint,hostkey\ns1,tcp://127.0.0.1:2375,${fp}\n`))).to.throw(
      UsageError,
      /hostkey is for ssh:\/\/ endpoints only/,
    );
  });

  it('refuses a file it cannot read or parse, and an empty one', () => {
    expect(() => readRoster(join(dir, 'missing.csv'))).to.throw(UsageError, /cannot read the roster .*missing.csv/);
    expect(() => readRoster(file('ragged.csv', 'id,endpoint\ns1,unix:///a,extra\n'))).to.throw(
      UsageError,
      /cannot read the roster/,
    );
    expect(() => readRoster(file('empty.csv', 'id,endpoint\n'))).to.throw(UsageError, /lists no students/);
    expect(() => readRoster(file('map.yaml', 'id: s1\n'))).to.throw(UsageError, /expected a list of students/);
  });
});
