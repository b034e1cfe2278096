import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { argvValue, checkNumbers, decideColor, helpLang, loadConfig } from '../../src/commands/options.js';
import { describeKo } from '../../src/commands/help-ko.js';
import { UsageError } from '../../src/errors.js';
import { packageRoot } from '../../src/paths.js';

describe('CLI conventions', () => {
  it('rejects numbers that are not numbers, or out of range, in every command', () => {
    expect(checkNumbers({ 'api-timeout': 10, 'check-timeout': 0.5, concurrency: 8, 'min-score': 0 })).to.equal(true);
    expect(() => checkNumbers({ 'check-timeout': NaN })).to.throw(
      UsageError,
      /^--check-timeout must be a number above 0$/,
    );
    expect(() => checkNumbers({ 'api-timeout': -1 })).to.throw(
      UsageError,
      /--api-timeout must be a number above 0, not -1/,
    );
    expect(() => checkNumbers({ 'solution-timeout': 0 })).to.throw(UsageError, /--solution-timeout/);
    expect(() => checkNumbers({ concurrency: 2.5 })).to.throw(UsageError, /whole number/);
    expect(() => checkNumbers({ 'min-score': -3 })).to.throw(UsageError, /--min-score must be a number of points/);
  });

  it('colours as --color says, else NO_COLOR, else FORCE_COLOR, else only on a terminal', () => {
    expect(decideColor(true, { NO_COLOR: '1' }, false)).to.equal(true);
    expect(decideColor(false, { FORCE_COLOR: '1' }, true)).to.equal(false);
    expect(decideColor(undefined, { NO_COLOR: '1', FORCE_COLOR: '1' }, true)).to.equal(false);
    expect(decideColor(undefined, { FORCE_COLOR: '1' }, false)).to.equal(true);
    expect(decideColor(undefined, { FORCE_COLOR: '0' }, true)).to.equal(false);
    expect(decideColor(undefined, {}, true)).to.equal(true);
    expect(decideColor(undefined, { TERM: 'dumb' }, true)).to.equal(false);
    expect(decideColor(undefined, {}, false)).to.equal(false);
  });

  it('knows the help language before yargs parses: --lang, then DOCKNET_LANG, then the locale', () => {
    expect(argvValue(['check', '--lang=ko'], 'lang')).to.equal('ko');
    expect(argvValue(['check', '--', '--lang', 'ko'], 'lang')).to.equal(undefined);
    expect(helpLang(['--lang', 'ko'], { LANG: 'en_US.UTF-8' })).to.equal('ko');
    expect(helpLang([], { DOCKNET_LANG: 'ko' })).to.equal('ko');
    expect(helpLang(['--lang', 'en'], { LANG: 'ko_KR.UTF-8' })).to.equal('en');
    expect(helpLang([], { LANG: 'ko_KR.UTF-8' })).to.equal('ko');
  });

  it('has Korean for every description the commands give', () => {
    const dir = join(packageRoot, 'src', 'commands');
    const said = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) =>
        [...readFileSync(join(dir, f), 'utf8').matchAll(/(?:say\(|describe: )('(?:[^'\\]|\\.)*'|"[^"]*")/g)].map((m) =>
          m[1].slice(1, -1),
        ),
      );
    expect(said.length).to.be.greaterThan(30);
    expect(said.filter((en) => !(en in describeKo))).to.deep.equal([]);
  });

  describe('config files', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'docknet-config-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('reads docknet.config.yaml, else .docknetrc, in the working directory', () => {
      expect(loadConfig([], dir)).to.deep.equal({});
      writeFileSync(join(dir, '.docknetrc'), '{"api-timeout": 20}');
      expect(loadConfig([], dir)).to.deep.equal({ 'api-timeout': 20 });
      writeFileSync(join(dir, 'docknet.config.yaml'), 'lang: ko\ncheck-timeout: 60\n');
      expect(loadConfig([], dir)).to.deep.equal({ lang: 'ko', 'check-timeout': 60 });
    });

    it('reads the file --config names, and refuses one that holds no option values', () => {
      writeFileSync(join(dir, 'mine.yaml'), 'junit: out.xml\n');
      expect(loadConfig(['--config', join(dir, 'mine.yaml')], '/')).to.deep.equal({ junit: 'out.xml' });
      writeFileSync(join(dir, 'list.yaml'), '- a\n');
      expect(() => loadConfig([`--config=${join(dir, 'list.yaml')}`], '/')).to.throw(
        UsageError,
        /must hold option names and values/,
      );
      expect(() => loadConfig(['--config', join(dir, 'missing.yaml')], '/')).to.throw(
        UsageError,
        /cannot read the config file/,
      );
    });
  });
});
