import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { docknet } from '../support/cli.js';
import { ownedContainers, snapshotHost } from '../support/engine.js';
import { solvedInternalNetwork } from '../support/solved-host.js';

const SOCKET = 'unix:///var/run/docker.sock';

/** Faults stay with the student they belong to, and an interrupted class run keeps what it finished. */
describe('class grading: time limits and interruption', function () {
  const host = solvedInternalNetwork('docknet-class-');

  it("gives a hung engine an error row at the student's time limit, and grades the others", async () => {
    // accepts connections and never answers: a hung engine
    const held: Socket[] = [];
    const hung: Server = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const { port } = hung.address() as { port: number };
    try {
      const roster = join(host.dir(), 'hung.csv');
      writeFileSync(roster, `id,name,endpoint\nok,Fine,${SOCKET}\nhung,Hung,tcp://127.0.0.1:${port}\n`);
      const out = join(host.dir(), 'hung');
      const started = Date.now();
      const run = await docknet([
        'grade',
        'internal-network',
        '--roster',
        roster,
        '--out',
        out,
        '--student-timeout',
        '4',
        '--api-timeout',
        '60',
      ]);
      expect(Date.now() - started, 'bounded by the student time limit, not the 60 s API limit').to.be.lessThan(30_000);
      expect(run.exitCode, run.all).to.equal(1);
      const rows: Record<string, string>[] = parse(readFileSync(join(out, 'gradebook.csv')), { columns: true });
      expect(rows[0]).to.include({ id: 'ok', status: 'graded', 'internal-network': '20' });
      expect(rows[1]).to.include({ id: 'hung', status: 'error', 'internal-network': '' });
      expect(rows[1].detail).to.match(/timed out after 4\.0 s/);
      expect(readFileSync(join(out, 'students', 'hung', 'junit.xml'), 'utf8')).to.match(
        /<error message="grading tcp:\/\/127\.0\.0\.1:\d+ timed out/,
      );
    } finally {
      for (const s of held) s.destroy();
      hung.close();
    }
  });

  it('on Ctrl-C removes every probe, keeps the finished students and writes the gradebook', async () => {
    const roster = join(host.dir(), 'six.csv');
    writeFileSync(roster, `id,endpoint\n${[1, 2, 3, 4, 5, 6].map((i) => `s${i},${SOCKET}`).join('\n')}\n`);
    const out = join(host.dir(), 'interrupted');
    const run = docknet(['grade', 'internal-network', '--roster', roster, '--out', out, '--concurrency', '2']);
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      run.stdout!.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (/\[1\/6\]/.test(seen)) resolve();
      });
      run.catch(reject);
      void run.then(() => reject(new Error(`the run ended before a student finished: ${seen}`)));
    });
    run.kill('SIGINT');
    const result = await run;
    expect(result.exitCode, `${result.all}\nsignal: ${result.signal}`).to.equal(130);
    expect(await ownedContainers(), 'probes left on the engine').to.equal(0);
    expect(await snapshotHost()).to.deep.equal(host.untouched());

    const rows: Record<string, string>[] = parse(readFileSync(join(out, 'gradebook.csv')), { columns: true });
    const graded = rows.filter((r) => r.status === 'graded');
    expect(graded.length).to.be.at.least(1);
    expect(rows.filter((r) => r.status === 'not-graded').length, 'students not reached').to.be.at.least(1);
    for (const row of graded) expect(existsSync(join(out, 'students', row.id, 'results.json'))).to.equal(true);

    // --resume finishes the class without grading the finished students again
    const resumed = await docknet(['grade', 'internal-network', '--roster', roster, '--out', out, '--resume']);
    expect(resumed.exitCode, resumed.all).to.equal(0);
    expect(resumed.all).to.include(`${graded.length} of 6 students already graded`);
    const after: Record<string, string>[] = parse(readFileSync(join(out, 'gradebook.csv')), { columns: true });
    expect(after.map((r) => r.status)).to.deep.equal(Array(6).fill('graded'));
  });

  it('refuses an unreadable roster with one line and exit code 2', async () => {
    const run = await docknet(['grade', '--roster', join(host.dir(), 'nope.csv')]);
    expect(run.exitCode).to.equal(2);
    expect(run.all.trim().split('\n')).to.have.length(1);
    expect(run.all).to.match(/^docknet: cannot read the roster .*nope\.csv/);
  });
});
