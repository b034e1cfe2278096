import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { graders } from '../../graders/index.js';
import { loadExercise, readMetadata, variantOf } from '../../src/engine/exercise.js';
import { lintExercise } from '../../src/engine/lint.js';
import {
  DOCKER_DEFAULT_POOLS,
  drawParams,
  parseBlock,
  render,
  specProblems,
  studentKey,
} from '../../src/engine/params.js';
import { loadFixtures } from '../../src/fixtures.js';
import { exercisesDir, packageRoot } from '../../src/paths.js';
import { parse } from 'yaml';

const PARAMETERISED = ['fixed-ip', 'alias-dns', 'port-publishing', 'multi-network'];
const ids = Array.from({ length: 1000 }, (_, i) => `s${String(i).padStart(4, '0')}`);

function inside(outer: string, ip: string): boolean {
  const b = parseBlock(outer)!;
  const n = parseBlock(`${ip}/32`)!.base;
  return n >= b.base && n < b.base + 2 ** (32 - b.prefix);
}

describe('variants', () => {
  it('no student: the canonical values, as the course text has them', () => {
    expect(variantOf('fixed-ip', join(exercisesDir, 'fixed-ip')).values).to.deep.equal({
      network: 'custom-network',
      subnet: '172.20.0.0/16',
      'ip-range': '172.20.240.0/20',
      gateway: '172.20.0.1',
      'fixed-ip': '172.20.0.10',
    });
    const canonical = loadExercise(graders.find((g) => g.id === 'fixed-ip')!);
    expect(canonical.variant).to.equal(undefined);
    expect(canonical.checks.find((c) => c.id === 'network-subnet')!.title).to.equal(
      "custom-network's subnet is 172.20.0.0/16",
    );
  });

  it('pins drawn values: stable across runs and machines', () => {
    const dir = (id: string) => join(exercisesDir, id);
    expect(variantOf('fixed-ip', dir('fixed-ip'), { student: 's001' }).values).to.deep.equal({
      network: 'fixed-net',
      subnet: '10.75.0.0/16',
      'ip-range': '10.75.208.0/20',
      gateway: '10.75.104.100',
      'fixed-ip': '10.75.159.108',
    });
    expect(variantOf('alias-dns', dir('alias-dns'), { student: 's001' }).values).to.deep.equal({
      network: 'my-network',
      'web-alias': 'site',
      'api-alias': 'rest',
    });
    expect(variantOf('port-publishing', dir('port-publishing'), { student: 's002' }).values).to.deep.equal({
      'host-port': 8726,
    });
    expect(studentKey('s001', 'course-2026'))
      .to.equal(studentKey('s001', 'course-2026'))
      .and.match(/^[0-9a-f]{32}$/);
    // the course secret keys the draw: the same id under another secret is another variant
    const secret = variantOf('fixed-ip', dir('fixed-ip'), { student: 's001', secret: 'course-2026' }).values;
    expect(secret.subnet).to.not.equal('10.75.0.0/16');
  });

  it("draws a student's variant from their own key alone, which tells nothing of a classmate's", () => {
    const dir = join(exercisesDir, 'fixed-ip');
    const bySecret = (student: string) => variantOf('fixed-ip', dir, { student, secret: 'course-2026' }).values;
    const byKey = (student: string, key: string) => variantOf('fixed-ip', dir, { student, studentKey: key }).values;
    const own = studentKey('s001', 'course-2026');
    expect(byKey('s001', own)).to.deep.equal(bySecret('s001'));
    // s001's key under s002's id is still s001's variant: the key, not the id, is what draws
    expect(byKey('s002', own)).to.deep.equal(bySecret('s001'));
    expect(byKey('s002', own)).to.not.deep.equal(bySecret('s002'));
    expect(studentKey('s002', 'course-2026')).to.not.equal(own);
  });

  it('different ids give different values', () => {
    for (const id of PARAMETERISED) {
      const seen = new Set(
        ids.slice(0, 50).map((s) => JSON.stringify(variantOf(id, join(exercisesDir, id), { student: s }).values)),
      );
      expect(seen.size, id).to.be.greaterThan(25);
    }
  });

  it('every constraint holds over 1000 ids', () => {
    const defaults = DOCKER_DEFAULT_POOLS.map((p) => parseBlock(p)!);
    // the exercise's params and the fixtures' own, read once: the draw is what is tested here
    const fixedSpecs = {
      ...readMetadata(join(exercisesDir, 'fixed-ip')).params,
      ...parse(readFileSync(join(packageRoot, 'fixtures', 'fixed-ip', 'fixtures.yaml'), 'utf8')).params,
    };
    const specsOf = (id: string) => readMetadata(join(exercisesDir, id)).params;
    const [aliasSpecs, multiSpecs, portSpecs] = ['alias-dns', 'multi-network', 'port-publishing'].map(specsOf);
    for (const s of ids) {
      const v = drawParams('fixed-ip', fixedSpecs, { student: s }) as Record<string, string>;
      const subnet = parseBlock(v.subnet)!;
      expect(subnet.prefix).to.equal(16);
      expect(
        defaults.some((d) => subnet.base < d.base + 2 ** (32 - d.prefix) && d.base < subnet.base + 2 ** 16),
        s,
      ).to.equal(false);
      expect(inside(v.subnet, v['ip-range'].split('/')[0]) && v['ip-range'].endsWith('/20'), s).to.equal(true);
      for (const a of ['gateway', 'fixed-ip', 'wrong-gateway', 'wrong-address']) {
        expect(inside(v.subnet, v[a]), `${s} ${a}`).to.equal(true);
        expect(inside(v['ip-range'], v[a]), `${s} ${a}`).to.equal(false);
        expect(v[a].endsWith('.0.0') || v[a].endsWith('.255.255'), `${s} ${a}`).to.equal(false);
      }
      expect(new Set([v.gateway, v['fixed-ip'], v['wrong-gateway'], v['wrong-address']]).size, s).to.equal(4);
      expect(inside(v.subnet, v['wrong-range'].split('/')[0]), s).to.equal(true);

      const a = drawParams('alias-dns', aliasSpecs, { student: s });
      expect(new Set(Object.values(a)).size, s).to.equal(3);
      const m = drawParams('multi-network', multiSpecs, { student: s });
      expect(new Set(Object.values(m)).size, s).to.equal(3);
      const p = drawParams('port-publishing', portSpecs, { student: s })['host-port'] as number;
      expect(p >= 8100 && p <= 8999 && Number.isInteger(p), s).to.equal(true);
    }
  });

  it("fills a student's values into the checks, the code graders' and the fixtures", () => {
    const fixed = loadExercise(
      graders.find((g) => g.id === 'fixed-ip')!,
      'en',
      { student: 's001' },
    );
    expect(fixed.variant).to.deep.include({ student: 's001' });
    expect(fixed.checks.find((c) => c.id === 'static-ip')!.title).to.contain('10.75.159.108');
    const correct = loadFixtures('fixed-ip', undefined, { student: 's001' }).fixtures.find(
      (f) => f.name === 'correct',
    )!;
    expect(correct.setup).to.contain('--subnet 10.75.0.0/16').and.contain('--ip 10.75.159.108');
    const dynamic = loadFixtures('fixed-ip', undefined, { student: 's001' }).fixtures.find(
      (f) => f.name === 'dynamic-ten',
    )!;
    // a Go template of docker inspect -f is left alone, the placeholder inside it filled
    expect(dynamic.setup).to.contain(`'{{(index .NetworkSettings.Networks "fixed-net").IPAddress}}'`);
    const ports = loadExercise(
      graders.find((g) => g.id === 'port-publishing')!,
      'en',
      { student: 's002' },
    );
    expect(ports.checks[0].title).to.contain('127.0.0.1:8726');
  });

  it('a placeholder naming no declared value is an error, in loading and in lint', () => {
    expect(() => render('subnet {{ subnett }}', { subnet: '10.0.0.0/16' }, 'README.md')).to.throw(
      /README.md: \{\{ subnett \}\} is no declared param \(subnet\)/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'docknet-params-'));
    try {
      const ex = join(dir, 'typo-lab');
      mkdirSync(ex);
      writeFileSync(
        join(ex, 'exercise.yaml'),
        [
          'title: { en: T, ko: T }',
          'params:',
          '  net: { type: name, canonical: lab, from: [lab, lab2] }',
          'checks:',
          '  exists:',
          '    points: 1',
          "    title: { en: 'Network {{ nett }}', ko: '{{ net }}' }",
          '    kind: network',
          "    network: '{{ net }}'",
        ].join('\n'),
      );
      writeFileSync(join(ex, 'README.md'), '## 한국어\n{{ net }}\n## English\n{{ missing }}\n');
      const problems = lintExercise(ex);
      expect(problems.some((p) => p.includes('{{ nett }} is no declared param'))).to.equal(true);
      expect(problems.some((p) => p.includes('README.md:1: {{ missing }} is no declared param'))).to.equal(true);
      expect(() => variantOf('typo-lab', ex)).to.throw(/\{\{ nett \}\} is no declared param/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('declarations that cannot hold are named', () => {
    expect(
      specProblems({
        s: { type: 'subnet', canonical: '10.1.0.0/16', prefix: 16, pool: ['172.16.0.0/12'] },
        r: { type: 'range', canonical: '10.2.0.0/20', prefix: 20, in: 's' },
        a: { type: 'address', canonical: '10.1.0.1', in: 'nowhere' },
        n: { type: 'name', canonical: 'x', from: ['x'] },
        m: { type: 'name', canonical: 'y', from: ['y'] },
      }),
    ).to.deep.equal([
      'param "s": pool 172.16.0.0/12 overlaps Docker\'s default address pools (172.16.0.0/12, 192.168.0.0/16)',
      'param "r": canonical 10.2.0.0/20 is not inside s (10.1.0.0/16)',
      'param "a": "nowhere" is not a subnet or range declared before it',
      'param "m": from has too few names to differ from every name before it',
    ]);
  });

  it('the shipped exercises lint clean, params and placeholders included', () => {
    for (const id of PARAMETERISED) expect(lintExercise(join(exercisesDir, id), true), id).to.deep.equal([]);
  });
});
