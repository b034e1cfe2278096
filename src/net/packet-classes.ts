// Every class of packet a rule set can tell apart, within a scope (say: new TCP from
// outside to containers). Each port or address any reachable rule names cuts its
// dimension into intervals; within one interval of every dimension all packets meet
// the same matches, so one packet per class, walked through the chain, judges them all.
// Nothing is sampled: a port range 80:443 yields the classes 1-79, 80, 81-442, 443, 444-65535.
import ipaddr from 'ipaddr.js';
import type { Packet } from './firewall.js';
import { chainsReachable, type Match, type Ruleset } from './iptables.js';

/** Where packets of the scope leave: an interface and the IPv4 subnets behind it. */
export interface Destination {
  iface: string;
  subnets: string[];
}

export interface Scope {
  proto: Packet['proto'];
  ctstate: Packet['ctstate'];
  inIface: string;
  destinations: Destination[];
  /** TCP/UDP: the destination ports in scope (all when absent); ports listed in `exceptPorts` are not */
  dports?: Interval;
  exceptPorts?: number[];
  /** ICMP: the types in scope */
  icmpTypes?: number[];
}

export interface PacketClass {
  /** e.g. `new tcp/81-442 from 10.0.0.0-10.255.255.255 to br-0123456789ab (172.18.0.0/16)` */
  label: string;
  packet: Packet;
}

export interface Interval {
  from: number;
  to: number;
}

/** Above this many classes the answer would take too long to be worth a grade: an error instead. */
export const MAX_CLASSES = 100_000;

const ALL_PORTS: Interval = { from: 1, to: 65535 };
const ALL_V4: Interval = { from: 0, to: 2 ** 32 - 1 };
// Representatives when a class holds them, so messages read like real traffic: an
// ephemeral client port and a documentation address (RFC 5737) outside.
const CLIENT_PORT = 51000;
const OUTSIDE_ADDRESS = v4Number('203.0.113.7');

export function packetClasses(ruleset: Ruleset, startChain: string, scope: Scope): PacketClass[] {
  const matches = chainsReachable(ruleset, startChain).flatMap(
    (name) => ruleset.chains.get(name)?.rules.flatMap((r) => r.matches) ?? [],
  );
  const cuts = (kinds: Match['kind'][]) =>
    matches.flatMap((m): Interval[] => {
      if (!kinds.includes(m.kind)) return [];
      if ('ranges' in m) return m.ranges;
      if ('cidr' in m) {
        const range = v4Range(m.cidr);
        return range ? [range] : [];
      }
      return [];
    });

  const ported = scope.proto !== 'icmp';
  const except = new Set(scope.exceptPorts ?? []);
  const dports = ported
    ? split(scope.dports ?? ALL_PORTS, [
        ...cuts(['destinationPort', 'eitherPort']),
        ...[...except].map((p) => ({ from: p, to: p })),
      ]).filter((i) => !(i.from === i.to && except.has(i.from)))
    : [undefined];
  const sports = ported ? split(ALL_PORTS, cuts(['sourcePort', 'eitherPort'])) : [undefined];
  const sources = split(ALL_V4, cuts(['source']));
  const destinations = scope.destinations.flatMap((d) =>
    d.subnets.flatMap((subnet) => {
      const range = v4Range(subnet);
      return range
        ? split(range, cuts(['destination'])).map((interval) => ({ iface: d.iface, subnet, interval, whole: range }))
        : [];
    }),
  );
  const icmpTypes = ported ? [undefined] : (scope.icmpTypes ?? []);

  const total = dports.length * sports.length * sources.length * destinations.length * icmpTypes.length;
  if (total > MAX_CLASSES) {
    throw new Error(
      `the rules tell ${total} classes of packets apart for ${scope.ctstate} ${scope.proto}, more than the ${MAX_CLASSES} docknet judges`,
    );
  }

  const classes: PacketClass[] = [];
  for (const dport of dports) {
    for (const icmpType of icmpTypes) {
      for (const sport of sports) {
        for (const src of sources) {
          for (const dst of destinations) {
            const packet: Packet = {
              proto: scope.proto,
              ctstate: scope.ctstate,
              inIface: scope.inIface,
              outIface: dst.iface,
              src: v4String(pick(src, OUTSIDE_ADDRESS)),
              dst: v4String(pick(dst.interval, dst.whole.from + 2)),
              ...(dport && { dport: dport.from }),
              ...(sport && { sport: pick(sport, CLIENT_PORT) }),
              ...(icmpType !== undefined && { icmpType }),
            };
            const parts = [
              scope.ctstate === 'NEW' ? 'new' : scope.ctstate,
              dport
                ? `${scope.proto}${sameInterval(dport, ALL_PORTS) ? '' : `/${intervalText(dport, String)}`}`
                : `icmp ${icmpName(icmpType!)}`,
              sport && !sameInterval(sport, ALL_PORTS) ? `from port ${intervalText(sport, String)}` : undefined,
              sources.length > 1 ? `from ${intervalText(src, v4String)}` : undefined,
              destinations.length > 1
                ? `to ${dst.iface} (${sameInterval(dst.interval, dst.whole) ? dst.subnet : intervalText(dst.interval, v4String)})`
                : undefined,
            ];
            classes.push({ label: parts.filter(Boolean).join(' '), packet });
          }
        }
      }
    }
  }
  return classes;
}

/** Cuts `whole` at the ends of every range (each range's first value and the one after its last). */
function split(whole: Interval, ranges: Interval[]): Interval[] {
  const starts = new Set([whole.from]);
  for (const { from, to } of ranges) {
    if (from > whole.from && from <= whole.to) starts.add(from);
    if (to + 1 > whole.from && to + 1 <= whole.to) starts.add(to + 1);
  }
  const sorted = [...starts].sort((a, b) => a - b);
  return sorted.map((from, i) => ({ from, to: i + 1 < sorted.length ? sorted[i + 1] - 1 : whole.to }));
}

const pick = (interval: Interval, preferred: number) =>
  interval.from <= preferred && preferred <= interval.to ? preferred : interval.from;
const sameInterval = (a: Interval, b: Interval) => a.from === b.from && a.to === b.to;
const intervalText = (i: Interval, show: (n: number) => string) =>
  i.from === i.to ? show(i.from) : `${show(i.from)}-${show(i.to)}`;

function v4Number(address: string): number {
  return ipaddr.IPv4.parse(address)
    .toByteArray()
    .reduce((n, byte) => n * 256 + byte, 0);
}

function v4String(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** An IPv4 CIDR's first and last address; undefined for IPv6, which iptables never holds. */
function v4Range(cidr: string): Interval | undefined {
  const [network, bits] = ipaddr.parseCIDR(cidr);
  if (network.kind() !== 'ipv4') return undefined;
  const size = 2 ** (32 - bits);
  const from = Math.floor(v4Number(network.toString()) / size) * size;
  return { from, to: from + size - 1 };
}

const ICMP_NAMES = new Map([
  [0, 'echo-reply'],
  [3, 'destination-unreachable'],
  [4, 'source-quench'],
  [5, 'redirect'],
  [8, 'echo-request'],
  [11, 'time-exceeded'],
  [12, 'parameter-problem'],
  [13, 'timestamp-request'],
  [14, 'timestamp-reply'],
  [15, 'info-request'],
  [16, 'info-reply'],
  [17, 'address-mask-request'],
  [18, 'address-mask-reply'],
]);
const icmpName = (type: number) => ICMP_NAMES.get(type) ?? `type ${type}`;
