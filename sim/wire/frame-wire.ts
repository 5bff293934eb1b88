// The frame-level link of a fleet (`--link frames`): each phone's cable hands whole Ethernet frames to
// the far end in memory, with no serial line, no SLIP and no FCS (firmware/link/frame-link.ts); the
// stacks above are the same. A frame arrives at the same instant it was sent, but never inside the
// sender's call: deliveries wait in one queue per world, in the order they were sent, and run as one
// clock task, so a reply is never handled while its request is still being sent.
import type { Clock, TimerId } from '../../firmware/hal.ts';
import type { FrameLink } from '../../firmware/link/frame-link.ts';

/** One end of a frame cable. */
class FrameEnd implements FrameLink {
  readonly carries = 'frames' as const;
  receiver: ((frame: Uint8Array) => void) | undefined;
  peer!: FrameEnd;
  /** Frames this end sent and delivered (the far end had a receiver), for tests and stats. */
  sent = 0;
  delivered = 0;

  constructor(private readonly hub: FrameHub) {}

  write(frame: Uint8Array): void {
    this.sent++;
    this.hub.queue(this.peer, frame);
  }

  onData(receiver: (frame: Uint8Array) => void): void {
    this.receiver = receiver;
  }
}

export interface FrameCable {
  phoneEnd: FrameLink;
  controllerEnd: FrameLink;
}

/** The in-memory switch of one world: every frame cable of it queues on the same FIFO. */
export class FrameHub {
  private readonly to: FrameEnd[] = [];
  private readonly frames: Uint8Array[] = [];
  private head = 0;
  private timer: TimerId | undefined;
  private closed = false;

  constructor(private readonly clock: Clock) {}

  /** A new cable: a phone end and a controller end. */
  cable(): FrameCable {
    const a = new FrameEnd(this);
    const b = new FrameEnd(this);
    a.peer = b;
    b.peer = a;
    return { phoneEnd: a, controllerEnd: b };
  }

  /** Frames waiting to be delivered. */
  get pending(): number {
    return this.frames.length - this.head;
  }

  queue(to: FrameEnd, frame: Uint8Array): void {
    if (this.closed) return;
    this.to.push(to);
    this.frames.push(frame);
    if (this.timer === undefined) this.timer = this.clock.setTimeout(() => this.drain(), 0);
  }

  /** Delivers everything queued, and what those deliveries send in turn, in order, at this instant. */
  private drain(): void {
    this.timer = undefined;
    try {
      while (this.head < this.frames.length && !this.closed) {
        const i = this.head++;
        const to = this.to[i];
        const frame = this.frames[i];
        this.to[i] = undefined!;
        this.frames[i] = undefined!;
        if (to.receiver) {
          to.peer.delivered++;
          to.receiver(frame);
        }
      }
    } finally {
      // a receiver that threw leaves the rest for a fresh task, so one fault loses no other phone's frame
      if (this.head < this.frames.length && !this.closed) this.timer = this.clock.setTimeout(() => this.drain(), 0);
      else {
        this.to.length = 0;
        this.frames.length = 0;
        this.head = 0;
      }
    }
  }

  close(): void {
    this.closed = true;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.to.length = 0;
    this.frames.length = 0;
    this.head = 0;
  }
}
