import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { execa } from 'execa';
import { graders } from '../../graders/index.js';
import { loadExercise } from '../../src/engine/exercise.js';
import { docknet } from '../support/cli.js';
import { docker, FIXTURE_IMAGE, isRoot, requireEngine } from '../support/engine.js';
import { expectedScore, loadFixtures } from '../support/fixtures.js';

const SECRET = 'DOCKNET_TEST_SECRET';

/** Submissions that attack the grader, the host or each other; `victim` is an honest one. */
const HOSTILE: Record<string, string> = {
  'setsid-daemon': `setsid sh -c 'while :; do sleep 1; done' </dev/null >/dev/null 2>&1 &\ndocker network create --internal secure-network\n`,
  'sleep-infinity': 'sleep infinity\n',
  // bounded even where no pids cgroup is writable: 3000 sleepers at most, each gone in 20 s
  'fork-bomb': 'i=0\nwhile [ $i -lt 3000 ]; do sleep 20 & i=$((i+1)); done\necho spawned $i\n',
  'writes-others':
    'echo "exit 0" > ../victim/solution.sh || true\nfor d in "$OUT" /var/tmp /tmp; do echo pwned > "$d/pwned" || true; done\necho "victim: $(cat ../victim/solution.sh 2>&1 | head -c 100)"\n',
  'probe-look-alike': `docker tag ${FIXTURE_IMAGE} docknet-probe:1\n`,
  'fake-iptables-save':
    'printf "#!/bin/sh\\necho fake\\n" > /usr/local/sbin/iptables-save || true\nmkdir -p /tmp/bin && printf "#!/bin/sh\\necho fake\\n" > /tmp/bin/iptables-save\nchmod +x /tmp/bin/iptables-save\nexport PATH=/tmp/bin:$PATH\niptables-save\n',
  'all-tables': [
    'iptables -t nat -A POSTROUTING -s 198.51.100.0/24 -j ACCEPT',
    'iptables -t mangle -A PREROUTING -j ACCEPT',
    'iptables -t raw -A PREROUTING -j ACCEPT',
    'ip6tables -A INPUT -s 2001:db8::/32 -j DROP',
    'iptables -P FORWARD ACCEPT',
    'sysctl -w net.ipv4.tcp_syncookies=0',
    'ip route add 198.51.100.0/24 dev lo',
    'ip rule add from 198.51.100.7 lookup 100',
    '',
  ].join('\n'),
  'fills-disk':
    'for f in /fill /tmp/fill; do dd if=/dev/zero of=$f bs=1M count=4096 2>&1 | grep -m1 "No space" || true; done\n',
  'prints-env': 'env\n',
  // writes back the values it reads, so even a failure of the sandbox changes nothing
  'kernel-settings': [
    'for f in /proc/sys/kernel/core_pattern /proc/sys/vm/overcommit_memory /sys/kernel/mm/ksm/run; do',
    '  v=$(cat $f) && echo "$v" > $f && echo "KERNEL-WRITTEN $f"',
    'done',
    'sysctl -w net.ipv4.ip_forward=1',
    '',
  ].join('\n'),
  // the engine runs runc, containerd and the probe image's layers from the sandbox's root: rewritten, they would fake every probe
  'rewrites-engine': [
    'for f in /usr/sbin/runc /usr/bin/runc /usr/bin/containerd /usr/bin/containerd-shim-runc-v2 /usr/sbin/dockerd; do',
    '  [ ! -e $f ] || { cp /bin/true $f && echo "ENGINE-REWRITTEN $f"; } 2>&1 || true',
    'done',
    'touch /var/lib/docker/x /var/lib/containerd/x 2>&1 && echo ENGINE-REWRITTEN store || true',
    'echo "run: $(ls /run | tr "\\n" " ")"',
    '',
  ].join('\n'),
  // each asks the sandbox's engine for more than the solution has; ESCAPED would mean it got it
  'asks-privileges': [
    `for opts in --privileged '--cap-add SYS_ADMIN' '--cap-add SYS_MODULE' '--security-opt seccomp=unconfined' '--pid host' '--device /dev/null' '-v /:/host' '--cgroup-parent /'; do`,
    `  docker run --rm $opts ${FIXTURE_IMAGE} echo ESCAPED 2>&1 | grep -v 'docker run --help' || true`,
    'done',
    // a container keeping the engine's socket would go on asking after the solution ended
    `docker run -d --name keeper -v /run/docker.sock:/var/run/docker.sock ${FIXTURE_IMAGE} sleep 600 2>&1 || true`,
    `docker run -d --name plain ${FIXTURE_IMAGE} sleep 600 >/dev/null`,
    'docker exec --privileged plain echo ESCAPED 2>&1 || true',
    '',
  ].join('\n'),
};

async function text(program: string, args: string[]): Promise<string> {
  return (await execa(program, args, { reject: false, stdin: 'ignore' })).stdout;
}

/** Everything the issue calls byte-identical, on this machine (or this private engine's namespace). */
async function hostState(watched: string[]): Promise<Record<string, string>> {
  const state: Record<string, string> = {};
  for (const table of ['filter', 'nat', 'mangle', 'raw']) {
    state[`iptables ${table}`] = strip(await text('iptables-save', ['-t', table]));
    state[`ip6tables ${table}`] = strip(await text('ip6tables-save', ['-t', table]));
  }
  // a bridge's carrier ("linkdown") follows whether any container is attached right now, which the
  // containers below show; the routes themselves are what a solution must not change
  state['ip route'] = (await text('ip', ['route', 'show', 'table', 'all'])).replace(/ linkdown/g, '');
  state['ip rule'] = await text('ip', ['rule']);
  state['ip6 rule'] = await text('ip', ['-6', 'rule']);
  // counters that move by themselves are not state
  state.sysctl = (await text('sysctl', ['-a', '-r', '^net\\.']))
    .split('\n')
    .filter((l) => !/conntrack_count|\.stable_secret|netfilter\.nf_log/.test(l))
    .join('\n');
  const [containers, networks, images] = await Promise.all([
    docker.listContainers({ all: true }),
    docker.listNetworks(),
    docker.listImages({ all: true }),
  ]);
  state.containers = containers
    .map((c) => `${c.Id} ${c.State}`)
    .sort()
    .join('\n');
  state.networks = networks
    .map((n) => n.Id)
    .sort()
    .join('\n');
  state.images = images
    .map((i) => `${i.Id} ${(i.RepoTags ?? []).join(',')}`)
    .sort()
    .join('\n');
  for (const dir of watched) state[`files ${dir}`] = treeHash(dir);
  state['sandbox leftovers'] = readdirSync('/var/tmp')
    .filter((n) => n.startsWith('docknet-sandbox.') || n.startsWith('docknet-images.'))
    .join(',');
  return state;
}

// iptables-save's timestamps and packet counters change on their own
function strip(saved: string): string {
  return saved
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.replace(/\[\d+:\d+\]/g, ''))
    .join('\n');
}

function treeHash(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const st = statSync(path);
      hash.update(`${path} ${st.mode}\n`);
      if (st.isDirectory()) walk(path);
      else hash.update(readFileSync(path));
    }
  };
  walk(dir);
  return hash.digest('hex');
}

describe('grading hostile submissions in sandboxes', function () {
  let dir: string;
  let submissions: string;
  let out: string;
  let victimScore: number;

  before(async function () {
    await requireEngine(this);
    if (!isRoot()) {
      if (process.env.CI) throw new Error('sandboxes need root: CI must run these tests as root');
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'docknet-hostile-'));
    submissions = join(dir, 'submissions');
    out = join(dir, 'out');
    const write = (name: string, script: string) => {
      mkdirSync(join(submissions, name), { recursive: true });
      writeFileSync(join(submissions, name, 'solution.sh'), script);
    };
    for (const [name, script] of Object.entries(HOSTILE)) write(name, `OUT=${out}\n${script}`);
    const internal = loadExercise(graders.find((g) => g.id === 'internal-network')!);
    const correct = loadFixtures('internal-network').fixtures.find((f) => f.name === 'correct')!;
    write('victim', `IMAGE=${FIXTURE_IMAGE}\nLABEL=io.docknet.test-submission=victim\n${correct.setup}`);
    victimScore = expectedScore(internal, correct);
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('grades or times out each one as it deserves, leaves the honest one its score, and leaves the host as it was', async () => {
    const watched = [submissions, '/usr/local/sbin'];
    const before = await hostState(watched);
    const run = await docknet(
      [
        'grade',
        '--submissions',
        submissions,
        '--out',
        out,
        '--solution-timeout',
        '6',
        '--images',
        FIXTURE_IMAGE,
        '--jobs',
        '3',
        'internal-network',
        'docker-user-firewall',
      ],
      {
        [SECRET]: 'grader-only',
      },
    );
    expect(run.exitCode, run.all).to.equal(0);
    const after = await hostState(watched);
    for (const key of Object.keys(before)) expect(after[key], key).to.equal(before[key]);

    const rows: Record<string, string>[] = parse(readFileSync(join(out, 'gradebook.csv')), { columns: true });
    const row = (id: string) => rows.find((r) => r.id === id)!;
    for (const r of rows) expect(r.status, `${r.id}: ${r.detail}`).to.equal('graded');
    expect(Number(row('victim')['internal-network'])).to.equal(victimScore);
    expect(row('sleep-infinity').detail).to.equal('the solution was stopped at its time limit');
    for (const id of [
      'setsid-daemon',
      'probe-look-alike',
      'fake-iptables-save',
      'all-tables',
      'prints-env',
      'writes-others',
      'asks-privileges',
      'kernel-settings',
      'rewrites-engine',
    ]) {
      expect(row(id).detail, id).to.equal('');
    }
    const result = (id: string) => JSON.parse(readFileSync(join(out, 'students', id, 'results.json'), 'utf8'));
    // a setsid daemon neither holds the solution open to its time limit (detail '') nor outlives it
    expect(Number(row('setsid-daemon')['internal-network'])).to.be.above(0);
    expect(result('prints-env').output).not.to.include(SECRET);
    expect(result('prints-env').output).to.include('PATH=');
    expect(result('writes-others').output).to.match(/victim: .*(No such file|can't open)/);
    expect(result('fills-disk').output, result('fills-disk').output).to.match(/No space left on device/);
    expect(readdirSync(out)).not.to.include('pwned');
    const kernel = result('kernel-settings').output as string;
    expect(kernel).not.to.include('KERNEL-WRITTEN');
    expect(kernel.match(/Read-only file system/g), kernel).to.have.length(3);
    expect(kernel).to.include('net.ipv4.ip_forward = 1');
    const rewrites = result('rewrites-engine');
    expect(rewrites.output).not.to.include('ENGINE-REWRITTEN');
    expect(rewrites.output).to.match(/Read-only file system/);
    expect(rewrites.output, 'its /run holds only the engine socket').to.include('run: docker.sock xtables.lock \n');
    // its probes ran: every check was decided, none is a grader error
    for (const t of rewrites.tests as { output: string }[]) expect(t.output).not.to.include('grader error');
    const asked = result('asks-privileges').output as string;
    expect(asked).not.to.include('ESCAPED');
    expect(
      asked.match(/authorization denied by plugin docknet-authz: docknet's sandbox refuses/g),
      asked,
    ).to.have.length(10);
  });
});
