import ipaddr from 'ipaddr.js';

function parseIPv4Cidr(cidr: string | undefined): [ipaddr.IPv4, number] | undefined {
  if (!cidr || !ipaddr.IPv4.isValidCIDR(cidr)) return undefined;
  return ipaddr.IPv4.parseCIDR(cidr);
}

export function isIPv4Cidr(cidr: string | undefined): boolean {
  return parseIPv4Cidr(cidr) !== undefined;
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
 * The IPv4 subnets, held by networks other than `except`, that overlap `cidr`: the
 * engine refuses a second such pool ("Pool overlaps with other one on this address space").
 */
export function subnetsOverlapping(
  held: { name: string; subnet: string }[],
  cidr: string,
  except: string,
): { name: string; subnet: string }[] {
  return held.filter((h) => h.name !== except && ipv4CidrsOverlap(h.subnet, cidr));
}
