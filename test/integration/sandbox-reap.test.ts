import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { execa } from 'execa';
import { isRoot } from '../support/engine.js';
import { processStart } from '../../src/docker/labels.js';
import { reapSandboxLeftovers } from '../../src/sandbox/sandbox.js';

const SANDBOX_MODULE = fileURLToPath(new URL('../../src/sandbox/sandbox.js', import.meta.url));
const leftovers = () => readdirSync('/var/tmp').filter((n) => n.startsWith('docknet-sandbox.'));

describe("a killed docknet's sandbox leftovers", function () {
  let submission: string;

  before(function () {
    if (!isRoot()) {
      if (process.env.CI) throw new Error('sandboxes need root: CI must run these tests as root');
      this.skip();
    }
    submission = mkdtempSync(join(tmpdir(), 'docknet-reap-'));
    writeFileSync(join(submission, 'solution.sh'), 'true\n');
  });

  after(() => {
    if (submission) rmSync(submission, { recursive: true, force: true });
  });

  it('are removed by a later run once their docknet is gone, and a live one is left alone', async () => {
    // a docknet holding a sandbox, killed with SIGKILL: no cleanup of its own runs
    const holder = execa(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { Sandbox, DEFAULT_LIMITS } = await import(${JSON.stringify(SANDBOX_MODULE)});
         await Sandbox.start({ submission: ${JSON.stringify(submission)}, argv: ['true'], hide: [], limits: DEFAULT_LIMITS });
         console.log('ready');
         setInterval(() => {}, 1000);`,
      ],
      { reject: false, buffer: false },
    );
    await new Promise<void>((resolve, reject) => {
      holder.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      void holder.then(() => reject(new Error('the sandbox holder ended before its sandbox was up')));
    });
    const owner = (n: string) => {
      try {
        return JSON.parse(readFileSync(join('/var/tmp', n, 'owner'), 'utf8')) as { pid: number; cgroup: string };
      } catch {
        return undefined;
      }
    };
    // other runs on this machine may hold sandboxes too
    const mine = leftovers().filter((n) => owner(n)?.pid === holder.pid);
    expect(mine).to.have.length(1);
    const dir = join('/var/tmp', mine[0]);
    const { cgroup } = owner(mine[0])!;
    const cgroupDirs = () => readdirSync('/sys/fs/cgroup').filter((c) => existsSync(join('/sys/fs/cgroup', c, cgroup)));

    // while its docknet lives, the sandbox is not a leftover
    reapSandboxLeftovers();
    expect(existsSync(dir)).to.equal(true);

    holder.kill('SIGKILL');
    await holder;
    expect(existsSync(dir)).to.equal(true);
    expect(cgroupDirs()).not.to.have.length(0);
    // the kernel ends the sandbox's processes after docknet; its cgroups go once empty
    // a loaded machine takes its time to end a dockerd and free its tmpfs pages
    for (let i = 0; i < 150 && (existsSync(dir) || cgroupDirs().length > 0); i++) {
      reapSandboxLeftovers();
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(existsSync(dir)).to.equal(false);
    const left = cgroupDirs().map((c) => {
      try {
        return `${c}: ${readFileSync(join('/sys/fs/cgroup', c, cgroup, 'cgroup.procs'), 'utf8').trim() || 'no processes'}`;
      } catch {
        return c;
      }
    });
    expect(left).to.deep.equal([]);
  });

  it('are never taken from a directory it cannot prove is docknet’s', () => {
    const foreign = mkdtempSync('/var/tmp/docknet-sandbox.');
    try {
      // no owner file, then an owner file naming a live process (this one)
      reapSandboxLeftovers();
      expect(existsSync(foreign)).to.equal(true);
      writeFileSync(
        join(foreign, 'owner'),
        JSON.stringify({ pid: process.pid, cgroup: 'docknet-sandbox-000000000000' }),
      );
      reapSandboxLeftovers();
      expect(existsSync(foreign)).to.equal(true);
    } finally {
      rmSync(foreign, { recursive: true, force: true });
    }
  });

  it('are told apart across PID namespaces, as a run in a private engine shares /var/tmp', async function () {
    if (readlinkSync('/proc/self/ns/pid') !== 'pid:[4026531836]') this.skip(); // only the first namespace sees all
    // a process that is PID 1 in a namespace of its own, and so is its owner
    const other = execa('unshare', ['--pid', '--fork', '--kill-child', 'sleep', '60'], {
      reject: false,
      stdio: 'ignore',
    });
    try {
      let sleeper: number | undefined;
      for (let i = 0; i < 50 && !sleeper; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const children = readFileSync(`/proc/${other.pid}/task/${other.pid}/children`, 'utf8').trim();
        if (children) sleeper = Number(children.split(' ')[0]);
      }
      const pidns = readlinkSync(`/proc/${sleeper}/ns/pid`);
      const live = mkdtempSync('/var/tmp/docknet-sandbox.');
      const dead = mkdtempSync('/var/tmp/docknet-sandbox.');
      const cgroup = 'docknet-sandbox-000000000000';
      writeFileSync(join(live, 'owner'), JSON.stringify({ pidns, pid: 1, start: processStart(sleeper!), cgroup }));
      // PID 1 of a namespace no process is in any more
      writeFileSync(join(dead, 'owner'), JSON.stringify({ pidns: 'pid:[1]', pid: 1, cgroup }));
      try {
        reapSandboxLeftovers();
        expect(existsSync(live)).to.equal(true);
        expect(existsSync(dead)).to.equal(false);
      } finally {
        rmSync(live, { recursive: true, force: true });
        rmSync(dead, { recursive: true, force: true });
      }
    } finally {
      other.kill('SIGKILL');
      await other;
    }
  });
});
