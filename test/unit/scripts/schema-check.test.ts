import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { schemaErrors } from '../../support/xml.js';

/** The tests' JUnit schema check must never call a file valid without having checked it. */
describe('test/support/xml.ts schemaErrors', () => {
  let dir: string;
  let file: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'docknet-xml-'));
    file = join(dir, 'bad.xml');
    writeFileSync(file, '<testsuites><nonsense/></testsuites>\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('names what is wrong with an invalid file', async () => {
    expect(await schemaErrors(file)).to.contain('nonsense');
  });

  it('is an error when xmllint is missing', async () => {
    const path = process.env.PATH;
    process.env.PATH = dir; // holds no xmllint
    try {
      const failure = await schemaErrors(file).then(
        () => undefined,
        (err: Error) => err,
      );
      expect(failure?.message).to.match(/cannot check .*bad\.xml against the JUnit schema/);
    } finally {
      process.env.PATH = path;
    }
  });
});
