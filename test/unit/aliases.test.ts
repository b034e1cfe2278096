import { expect } from 'chai';
import { apiVersionAtLeast, configuredAliases } from '../../src/docker/aliases.js';

const ID = 'b348089be23c1e4368fbf1f32fa2d226728b85cd0743d9eb40a077573d1d2803';
const SHORT_ID = ID.slice(0, 12);
// A container's hostname is its short ID unless --hostname says otherwise.
const container = (name: string, hostname = SHORT_ID) => ({ Id: ID, Name: `/${name}`, Config: { Hostname: hostname } });

describe('apiVersionAtLeast', () => {
  it('compares minor versions as numbers, not text', () => {
    expect(apiVersionAtLeast('1.45', '1.45')).to.equal(true);
    expect(apiVersionAtLeast('1.50', '1.45')).to.equal(true);
    expect(apiVersionAtLeast('1.9', '1.45')).to.equal(false);
    expect(apiVersionAtLeast('1.44', '1.45')).to.equal(false);
    expect(apiVersionAtLeast('2.0', '1.45')).to.equal(true);
  });
});

describe('configuredAliases', () => {
  describe('before API 1.45 (the engine adds the short ID, and from 25.0 the hostname)', () => {
    it('drops the short ID the engine added and keeps what was configured (20.10, API 1.41)', () => {
      const endpoint = { Aliases: ['web', SHORT_ID] };
      expect(configuredAliases({ container: container('frontend'), endpoint }, '1.41')).to.deep.equal(['web']);
    });

    it('finds no alias on an endpoint made without one', () => {
      expect(
        configuredAliases({ container: container('frontend'), endpoint: { Aliases: [SHORT_ID] } }, '1.41'),
      ).to.deep.equal([]);
    });

    it('drops the hostname added on 1.44, where DNSNames exists but Aliases is still the old shape', () => {
      const endpoint = { Aliases: ['api', SHORT_ID, 'web'], DNSNames: ['frontend', 'api', SHORT_ID] };
      expect(configuredAliases({ container: container('frontend', 'web'), endpoint }, '1.44')).to.deep.equal(['api']);
    });
  });

  describe('from API 1.45 (Aliases holds exactly what was submitted)', () => {
    it('keeps every submitted alias, whatever the hostname, and never reads DNSNames', () => {
      const endpoint = { Aliases: ['web', 'api'], DNSNames: ['frontend', 'web', 'api', SHORT_ID] };
      expect(configuredAliases({ container: container('frontend', 'web'), endpoint }, '1.45')).to.deep.equal([
        'web',
        'api',
      ]);
    });

    it('finds no alias when none was submitted, although DNSNames lists the name and ID', () => {
      const endpoint = { Aliases: null, DNSNames: ['frontend', SHORT_ID] };
      expect(configuredAliases({ container: container('frontend'), endpoint }, '1.47')).to.deep.equal([]);
    });
  });

  it("never counts the container's own name, even when submitted as an alias (compose does this)", () => {
    expect(
      configuredAliases({ container: container('web'), endpoint: { Aliases: ['web', 'cache', SHORT_ID] } }, '1.41'),
    ).to.deep.equal(['cache']);
    expect(
      configuredAliases({ container: container('web'), endpoint: { Aliases: ['web', 'cache'] } }, '1.45'),
    ).to.deep.equal(['cache']);
  });

  it('handles endpoints without an Aliases field and repeated aliases', () => {
    expect(configuredAliases({ container: container('frontend'), endpoint: {} }, '1.41')).to.deep.equal([]);
    expect(
      configuredAliases({ container: container('frontend'), endpoint: { Aliases: ['web', 'web'] } }, '1.45'),
    ).to.deep.equal(['web']);
  });
});
