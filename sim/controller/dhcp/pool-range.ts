// The controller's DHCP pool as a range of addresses (`dhcp: { pool: { from, to } }` in the controller's
// world), and the default a world picks: room for every phone it builds plus headroom, so no phone of a
// fleet waits in Discovery for a lease that does not exist. The subnet mask is the smallest subnet that
// holds the range and the router (the phones' gateway and DNS), so a pool past one /24 needs no mask of
// its own: 192.168.10.100-192.168.40.0 is served as 192.168.0.0/16.
import { formatIpv4, parseIpv4 } from '../../../firmware/link/addr.ts';
import { ROUTER_IP } from '../router.ts';
import { DEFAULT_POOL, type DhcpPoolConfig } from './dhcp-server.ts';

export interface PoolRange {
  from: string;
  to: string;
}

/** The default pool's size: what a world of up to this many phones gets as it always did. */
export const DEFAULT_POOL_SIZE = 100;

/** Addresses a world of `phones` phones gets by default: every phone, plus a tenth (at least 10) to spare. */
export function fleetPoolSize(phones: number): number {
  return Math.max(DEFAULT_POOL_SIZE, phones + Math.max(10, Math.ceil(phones / 10)));
}

/** The default pool of a world of `phones` phones: the default scope's first address upwards. */
export function fleetDhcpPool(phones: number): PoolRange {
  const from = parseIpv4(DEFAULT_POOL.start)!;
  return { from: DEFAULT_POOL.start, to: formatIpv4(from + fleetPoolSize(phones) - 1) };
}

/** Prefix length of the smallest subnet holding every address given. */
function commonPrefix(addresses: number[]): number {
  let bits = 32;
  for (const a of addresses) {
    const diff = (a ^ addresses[0]) >>> 0;
    if (diff !== 0) bits = Math.min(bits, Math.clz32(diff));
  }
  return bits;
}

/** The widest subnet a pool may span: a /16 (65,534 hosts) is a fleet; wider is a typo. */
const MIN_PREFIX = 16;

/** Why a range cannot be the pool (undefined: it can). Never throws. */
export function poolRangeProblem(range: PoolRange, router = ROUTER_IP): string | undefined {
  const from = parseIpv4(range.from);
  const to = parseIpv4(range.to);
  const gateway = parseIpv4(router);
  if (from === undefined || to === undefined || gateway === undefined) return 'from and to must be IPv4 addresses';
  if (to < from) return `${range.to} comes before ${range.from}`;
  if (gateway >= from && gateway <= to) return `${range.from}-${range.to} holds the controller's own address ${router}`;
  const prefix = commonPrefix([from, to, gateway]);
  if (prefix < MIN_PREFIX) return `${range.from}-${range.to} and the controller (${router}) do not share a /${MIN_PREFIX}`;
  return undefined;
}

/** The scope the DHCP server serves for a range (checked with poolRangeProblem first). */
export function poolConfig(range: PoolRange, router = ROUTER_IP): DhcpPoolConfig {
  const problem = poolRangeProblem(range, router);
  if (problem) throw new Error(`DHCP pool: ${problem}`);
  // never narrower than the /24 the default scope has always had
  const prefix = Math.min(24, commonPrefix([parseIpv4(range.from)!, parseIpv4(range.to)!, parseIpv4(router)!]));
  const mask = formatIpv4(prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);
  return { start: range.from, end: range.to, mask, router, dns: [router] };
}
