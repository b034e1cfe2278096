import { isIPv4Cidr, subnetsOverlapping } from '../net/cidr.js';
import type { NetworkDetails } from './host.js';

export type IpamConfig = NonNullable<NonNullable<NetworkDetails['IPAM']>['Config']>[number];

/** A network's IPv4 pools (IPv6 ones are left out). */
export function ipv4Configs(network: NetworkDetails): IpamConfig[] {
  return (network.IPAM?.Config ?? []).filter((c) => isIPv4Cidr(c.Subnet));
}

/** Networks other than `except` holding an IPv4 pool that overlaps `cidr`. */
export function networksOverlapping(
  networks: NetworkDetails[],
  cidr: string,
  except: string,
): { name: string; subnet: string }[] {
  return subnetsOverlapping(
    networks.flatMap((n) => ipv4Configs(n).map((c) => ({ name: n.Name, subnet: c.Subnet! }))),
    cidr,
    except,
  );
}
