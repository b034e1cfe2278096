import { expect } from 'chai';
import { parseNslookup, shellQuote } from '../../src/docker/probe.js';
import { inspectElf } from '../../src/docker/probe-image.js';

describe('busybox nslookup output', () => {
  it('gives the answers, not the server', () => {
    const out =
      'Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\nNon-authoritative answer:\nName:\tweb\nAddress: 172.18.0.2\nName:\tweb\nAddress: 172.18.0.3\n\n';
    expect(parseNslookup(out)).to.deep.equal(['172.18.0.2', '172.18.0.3']);
  });

  it('gives nothing for a name that does not exist', () => {
    expect(
      parseNslookup("Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\n** server can't find nope.: NXDOMAIN\n\n"),
    ).to.deep.equal([]);
  });
});

describe('shell quoting', () => {
  it('keeps a single quote from ending the word', () => {
    expect(shellQuote("a'b")).to.equal(`'a'\\''b'`);
  });
});

describe('ELF inspection', () => {
  it('sees that node is dynamically linked', () => {
    expect(inspectElf(process.execPath)?.isStatic).to.equal(false);
  });

  it('says undefined for a file that is not ELF', () => {
    expect(inspectElf(new URL(import.meta.url).pathname)).to.equal(undefined);
  });
});
