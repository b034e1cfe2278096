import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { packageRoot } from '../../../src/paths.js';
import { outputs } from './renders.js';

// The golden files were written by main's reporters before they were restructured: an ordinary
// run must keep giving the very same bytes, whatever the reporters' insides become.
const GOLDEN = join(packageRoot, 'test', 'unit', 'report', 'golden');

describe('reports of an ordinary run are byte-identical to the pinned ones', () => {
  // JUnit timestamps are local time, as junit-report-builder wrote them
  let tz: string | undefined;
  before(() => {
    tz = process.env.TZ;
    process.env.TZ = 'UTC';
  });
  after(() => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });

  for (const [name, render] of Object.entries(outputs)) {
    it(name, () => expect(render()).to.equal(readFileSync(join(GOLDEN, name), 'utf8')));
  }
});
