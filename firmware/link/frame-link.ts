// A link that carries whole Ethernet frames rather than a byte stream: what a virtual NIC (a tap device,
// an in-memory switch port) hands over. It is a ByteLink with a stronger promise: every write is one
// frame and every delivery is one frame, never split or merged, without FCS. A NetStack on such a link
// skips the byte framing (SLIP) and the FCS, and runs everything above them (Ethernet, ARP, IPv4, UDP)
// unchanged: a fleet pays for the protocols, not for a serial line's encoding.
import type { ByteLink } from '../hal.ts';

export interface FrameLink extends ByteLink {
  readonly carries: 'frames';
  /** Sends one Ethernet frame (without FCS). The link keeps the array: the sender must not reuse it. */
  write(frame: Uint8Array): void;
  /** Each call of `receiver` is one whole frame, which the receiver may keep. */
  onData(receiver: (frame: Uint8Array) => void): void;
}

export function isFrameLink(link: ByteLink): link is FrameLink {
  return (link as Partial<FrameLink>).carries === 'frames';
}
