import ipaddr from 'ipaddr.js';
import type { NetworkDetails } from './host.js';

export type IpamConfig = NonNullable<NonNullable<NetworkDetails['IPAM']>['Config']>[number];

function parseIPv4Cidr(cidr: string | undefined): [ipaddr.IPv4, number] | undefined {
  if (!cidr || !ipaddr.IPv4.isValidCIDR(cidr)) return undefined;
  return ipaddr.IPv4.parseCIDR(cidr);
}

/** A network's IPv4 pools (IPv6 ones are left out). */
export function ipv4Configs(network: NetworkDetails): IpamConfig[] {
  return (network.IPAM?.Config ?? []).filter((c) => parseIPv4Cidr(c.Subnet));
}

/** Same IPv4 block: 172.20.5.0/16 and 172.20.0.0/16 are one network, written two ways. */
export function sameIPv4Cidr(a: string | undefined, b: string): boolean {
  const [pa, pb] = [parseIPv4Cidr(a), parseIPv4Cidr(b)];
  return !!pa && !!pb && pa[1] === pb[1] && pa[0].match(pb);
}

/** Two IPv4 blocks share an address exactly when one contains the other's network address. */
export function ipv4CidrsOverlap(a: string, b: string): boolean {
  const [pa, pb] = [parseIPv4Cidr(a), parseIPv4Cidr(b)];
  return !!pa && !!pb && (pa[0].match(pb) || pb[0].match(pa));
}

/**
 * Networks other than `except` holding an IPv4 pool that overlaps `cidr`: the
 * engine refuses a second such pool ("Pool overlaps with other one on this
 * address space").
 */
export function networksOverlapping(networks: NetworkDetails[], cidr: string, except: string): { name: string; subnet: string }[] {
  return networks
    .filter((n) => n.Name !== except)
    .flatMap((n) => ipv4Configs(n).filter((c) => ipv4CidrsOverlap(c.Subnet!, cidr)).map((c) => ({ name: n.Name, subnet: c.Subnet! })));
}
