// One end of a wire as the firmware sees it: a ByteLink over a serialport stream (mock or real).
import type { ByteLink } from '../../firmware/hal.ts';

/** The part of a serialport stream an end needs (SerialPortMock and SerialPort both have it). */
export interface DataPort {
  write(data: Buffer): boolean;
  on(event: 'data', listener: (data: Buffer) => void): unknown;
}

export class PortEnd implements ByteLink {
  private receiver: ((bytes: Uint8Array) => void) | undefined;

  /** `accept` says whether a write can still go anywhere (false once the wire is closed). */
  constructor(
    private readonly port: DataPort,
    private readonly accept: () => boolean = () => true,
  ) {}

  write(bytes: Uint8Array): void {
    if (bytes.length === 0 || !this.accept()) return;
    // a copy: the stream may hold the buffer past this call, and the caller may reuse its own
    this.port.write(Buffer.from(bytes));
  }

  onData(receiver: (bytes: Uint8Array) => void): void {
    const first = this.receiver === undefined;
    this.receiver = receiver;
    // Listen only once somebody receives: until then the stream buffers, like a UART's FIFO.
    if (first) this.port.on('data', (data) => this.receiver!(data));
  }
}
