// pcap capture (docs/design.md "The link"): classic libpcap format, LINKTYPE_ETHERNET, so Wireshark and
// tshark decode DHCP, TFTP, ARP and 802.1Q as they are. Timestamps come from the simulation clock.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Clock, FrameTap } from '../firmware/hal.ts';

const LINKTYPE_ETHERNET = 1;
const SNAPLEN = 65535;

/** The 24-byte global header. */
export function pcapHeader(): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0); // microsecond timestamps
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeInt32LE(0, 8); // thiszone
  h.writeUInt32LE(0, 12); // sigfigs
  h.writeUInt32LE(SNAPLEN, 16);
  h.writeUInt32LE(LINKTYPE_ETHERNET, 20);
  return h;
}

/** One record: 16-byte header + frame. `ms` is the clock time; `epochMs` anchors it to a date. */
export function pcapRecord(ms: number, frame: Uint8Array, epochMs = 0): Buffer {
  const us = Math.round((epochMs + ms) * 1000);
  const rec = Buffer.alloc(16 + frame.length);
  rec.writeUInt32LE(Math.floor(us / 1e6), 0);
  rec.writeUInt32LE(us % 1e6, 4);
  rec.writeUInt32LE(frame.length, 8);
  rec.writeUInt32LE(frame.length, 12);
  rec.set(frame, 16);
  return rec;
}

export class PcapFile {
  private readonly fd: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  frames = 0;

  /** `epochMs`: the wall-clock date that simulation time 0 stands for (a fixed one keeps files reproducible). */
  constructor(readonly path: string, private readonly clock: Clock, private readonly epochMs = 0) {
    try {
      this.fd = openSync(path, 'w');
    } catch (err) {
      throw new Error(`cannot write pcap file ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
    writeSync(this.fd, pcapHeader());
  }

  readonly tap: FrameTap = (_dir, frame) => {
    const rec = pcapRecord(this.clock.now(), frame, this.epochMs);
    this.frames++;
    this.pending.push(rec);
    this.pendingBytes += rec.length;
    if (this.pendingBytes >= 64 * 1024) this.flush();
  };

  flush(): void {
    if (this.pending.length === 0) return;
    writeSync(this.fd, Buffer.concat(this.pending));
    this.pending = [];
    this.pendingBytes = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
