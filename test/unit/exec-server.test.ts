import { execa } from 'execa';
import { expect } from 'chai';
import { HELPER_SHELL } from '../../src/docker/exec-server.js';

/** The helper's shell, run here by the same busybox the probe image is built from. */
async function ask(...scripts: string[]): Promise<{ id: string; code: number; stdout: string; stderr: string }[]> {
  const input = scripts.map((s, i) => `${i + 1} ${Buffer.from(s).toString('base64')}\n`).join('');
  const { stdout } = await execa('busybox', ['sh', '-c', `${HELPER_SHELL}\nwait`], { input, cwd: '/tmp' });
  return stdout
    .trim()
    .split('\n')
    .map((line) => {
      const [id, code, out = '', err = ''] = line.split(' ');
      const text = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');
      return { id, code: Number(code), stdout: text(out), stderr: text(err) };
    })
    .sort((a, b) => Number(a.id) - Number(b.id));
}

describe("the helper's shell", () => {
  it('answers each script with its exit code and output, one line each', async () => {
    const [a, b] = await ask('echo one; echo two >&2; exit 3', 'printf "a b\\nc"');
    expect(a).to.deep.equal({ id: '1', code: 3, stdout: 'one\n', stderr: 'two\n' });
    expect(b).to.deep.equal({ id: '2', code: 0, stdout: 'a b\nc', stderr: '' });
  });

  it('ends a script whose time is up when asked to stop it, and answers at once', async () => {
    const shell = execa('busybox', ['sh', '-c', HELPER_SHELL], { cwd: '/tmp' });
    const started = Date.now();
    shell.stdin.write(`1 ${Buffer.from('sleep 5; echo late').toString('base64')}\n`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    shell.stdin.end('stop 1\n');
    const { stdout } = await shell;
    expect(stdout.trim()).to.equal('1 143');
    expect(Date.now() - started).to.be.below(3000);
  });

  it("keeps 64 KiB of a script's output however much it writes: a student's server may answer without end", async () => {
    const [endless] = await ask('yes docknet');
    expect(endless.stdout.length).to.equal(64 * 1024);
  });
});
