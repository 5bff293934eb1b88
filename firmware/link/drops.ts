// Why a frame or datagram was not delivered. Every bad input ends here, counted by reason, instead of
// being thrown: the link must keep running whatever the wire carries.

/** Every reason the link stack drops something, receiving or sending. */
export const DROP_REASONS = [
  // framing (SLIP + FCS)
  'slip-escape', //        ESC followed by anything but ESC_END / ESC_ESC
  'slip-oversize', //      more than maxFrame + 4 bytes before the next END
  'short-frame', //        too short for an Ethernet header (+ tag) and FCS
  'fcs', //                CRC-32 mismatch
  // Ethernet
  'vlan-mismatch', //      tagged with a VID we are not on
  'mac-not-for-us', //     unicast to another station's MAC
  'unknown-ethertype', //  neither ARP nor IPv4
  // ARP
  'arp-malformed', //      not Ethernet/IPv4 ARP, a bad opcode or too short
  'arp-timeout', //        no reply after every retry: the queued datagrams go
  'arp-queue-full', //     more than ARP_QUEUE_LIMIT datagrams waiting for one address
  'arp-not-for-us', //     nothing to answer and nothing to learn: a request for another address, a reply
  //                       we never asked for, a probe (sender 0.0.0.0) at the router
  // IPv4
  'ip-short', //           shorter than a 20-byte header
  'ip-version', //         not version 4
  'ip-options', //         IHL other than 5: the stack speaks no options
  'ip-length', //          total length shorter than the header or longer than the frame
  'ip-checksum', //        header checksum mismatch
  'ip-fragment', //        MF set or a fragment offset: no reassembly here
  'ip-protocol', //        not UDP
  // UDP
  'udp-length', //         UDP length field disagrees with the IP payload
  'udp-checksum', //       pseudo-header checksum mismatch
  'udp-no-checksum', //    checksum field 0: the contract says always set
  // delivery
  'not-for-us', //         IPv4 destination is not ours (host mode)
  'no-listener', //        nobody bound the port (and no bindAny)
  // sending
  'tx-oversize', //        the frame would exceed maxFrame
] as const;

export type DropReason = (typeof DROP_REASONS)[number];

/** A decoder's answer: a value, or the reason the input was refused. Decoders never throw. */
export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: DropReason };

export function refuse(reason: DropReason): { ok: false; reason: DropReason } {
  return { ok: false, reason };
}

/**
 * One counter per reason, all present from the start so a test can read any of them. Written out as one
 * literal (checked against DROP_REASONS by `satisfies`) rather than filled in a loop: V8 turns an object
 * given its 24 keys one by one into a 1.6 KB dictionary, and every link stack (two per phone in a fleet)
 * holds one.
 */
export function newDropCounts(): Record<DropReason, number> {
  return {
    'slip-escape': 0,
    'slip-oversize': 0,
    'short-frame': 0,
    'fcs': 0,
    'vlan-mismatch': 0,
    'mac-not-for-us': 0,
    'unknown-ethertype': 0,
    'arp-malformed': 0,
    'arp-timeout': 0,
    'arp-queue-full': 0,
    'arp-not-for-us': 0,
    'ip-short': 0,
    'ip-version': 0,
    'ip-options': 0,
    'ip-length': 0,
    'ip-checksum': 0,
    'ip-fragment': 0,
    'ip-protocol': 0,
    'udp-length': 0,
    'udp-checksum': 0,
    'udp-no-checksum': 0,
    'not-for-us': 0,
    'no-listener': 0,
    'tx-oversize': 0,
  } satisfies Record<DropReason, number>;
}
