// One byte link outlives many network stacks: each boot of the phone builds a fresh stack (no ARP cache,
// no address, no VLAN), while the port underneath was opened once. The switch registers on the link once
// and hands bytes to whichever stack is current.
import type { ByteLink } from '../hal.ts';
import { isFrameLink } from './frame-link.ts';

export class LinkSwitch {
  private receiver: ((bytes: Uint8Array) => void) | undefined;

  /** `onFault` gets whatever the firmware above throws while handling bytes, so no throw reaches the port. */
  constructor(
    private readonly link: ByteLink,
    onFault: (error: unknown) => void,
  ) {
    link.onData((bytes) => {
      try {
        this.receiver?.(bytes);
      } catch (err) {
        onFault(err);
      }
    });
  }

  /** A ByteLink for the next stack; the previous one stops hearing the link at once. */
  fresh(): ByteLink {
    this.receiver = undefined;
    const link: ByteLink = {
      write: (bytes) => this.link.write(bytes),
      onData: (receiver) => {
        this.receiver = receiver;
      },
    };
    // a frame link stays one for the stack above (it then skips SLIP and FCS)
    return isFrameLink(this.link) ? Object.assign(link, { carries: 'frames' as const }) : link;
  }

  /** Nobody hears the link (the phone is off). */
  detach(): void {
    this.receiver = undefined;
  }
}
