// The mock cable: two @serialport/binding-mock ports back to back, behaving like a serial cable in
// (normally virtual) time, with its noise seeded. Each end is a real SerialPortMock stream, so the code
// above the byte stream is exactly what runs on a real port. What one end writes is caught at its
// binding port, run through a CableLine for that direction, and emitted into the other port's binding
// when the model says it arrives.
import { SerialPortMock } from 'serialport';
import type { Clock } from '../../firmware/hal.ts';
import { SeededRandom } from '../../firmware/random.ts';
import { CableLine, checkLineOptions, defaultLineOptions, type LineOptions, type LineStats } from './cable-line.ts';
import { PortEnd } from './port-end.ts';

// The binding MUST come from the serialport package: importing @serialport/binding-mock directly can
// load a second copy of it (ESM vs CJS) with its own port list, and SerialPortMock would not see ours.
const MockBinding = SerialPortMock.binding;
type MockPortBinding = NonNullable<SerialPortMock['port']>;

export interface MockWireOptions extends Partial<LineOptions> {
  clock: Clock;
  /** Seeds every random choice of the cable; each direction gets its own stream (forked). */
  random?: SeededRandom;
}

export interface WireStats {
  phoneToController: LineStats;
  controllerToPhone: LineStats;
}

type CarrierListener = (up: boolean) => void;

/**
 * The streams' read buffer. serialport's default (64 KiB per port, allocated up front) would make an idle
 * link cost ~150 KiB; 4 KiB keeps it near 29 KiB (bench/link) at the same datagram rate.
 */
const READ_BUFFER = 4096;

let wireCount = 0; // unique port paths, so many wires (a fleet) share the one mock port list

export class MockWire {
  readonly phoneEnd: PortEnd;
  readonly controllerEnd: PortEnd;
  /** The serialport streams themselves, for code that wants a port rather than a ByteLink. */
  readonly phonePort: SerialPortMock;
  readonly controllerPort: SerialPortMock;
  /** Resolves once both ports are open (writes made before then wait in the streams). */
  readonly ready: Promise<void>;
  /** Errors the port streams reported (none in normal running). */
  readonly errors: Error[] = [];

  private readonly toController: CableLine;
  private readonly toPhone: CableLine;
  private pluggedIn = true;
  private closed = false;
  private readonly carrierListeners = new Set<CarrierListener>();

  constructor(options: MockWireOptions) {
    const { clock, random = new SeededRandom(1), ...line } = options;
    const lineOptions = checkLineOptions({ ...defaultLineOptions, ...stripUndefined(line) }); // before any port exists
    const id = ++wireCount;
    const phonePath = `/dev/hotdesk-mock-${process.pid}-${id}-phone`;
    const controllerPath = `/dev/hotdesk-mock-${process.pid}-${id}-controller`;
    // A large read size: one read takes all that has arrived (the default 1 KiB costs many reads).
    MockBinding.createPort(phonePath, { maxReadSize: 65536 });
    MockBinding.createPort(controllerPath, { maxReadSize: 65536 });
    this.phonePort = new SerialPortMock({ path: phonePath, baudRate: lineOptions.baud, highWaterMark: READ_BUFFER });
    this.controllerPort = new SerialPortMock({ path: controllerPath, baudRate: lineOptions.baud, highWaterMark: READ_BUFFER });

    this.toController = new CableLine(clock, random.fork(), lineOptions, (b) => this.arrive(this.controllerPort, b));
    this.toPhone = new CableLine(clock, random.fork(), lineOptions, (b) => this.arrive(this.phonePort, b));

    this.ready = Promise.all([
      this.intercept(this.phonePort, this.toController),
      this.intercept(this.controllerPort, this.toPhone),
    ]).then(() => undefined);
    this.ready.catch(() => undefined); // an open failure is in `errors`; never an unhandled rejection

    const open = () => !this.closed;
    this.phoneEnd = new PortEnd(this.phonePort, open);
    this.controllerEnd = new PortEnd(this.controllerPort, open);
  }

  get stats(): WireStats {
    return { phoneToController: this.toController.stats, controllerToPhone: this.toPhone.stats };
  }

  get plugged(): boolean {
    return this.pluggedIn;
  }

  /** Changes the cable model on the fly (both directions), e.g. to add noise mid-run. */
  configure(options: Partial<LineOptions>): void {
    const o = stripUndefined(options);
    this.toController.configure(o);
    this.toPhone.configure(o);
  }

  /** Pulls the cable: bytes in flight, and bytes written until replug(), are lost. */
  unplug(): void {
    if (!this.pluggedIn) return;
    this.pluggedIn = false;
    this.toController.unplug();
    this.toPhone.unplug();
    this.tellCarrier(false);
  }

  replug(): void {
    if (this.pluggedIn) return;
    this.pluggedIn = true;
    this.toController.replug();
    this.toPhone.replug();
    this.tellCarrier(true);
  }

  /** Calls `listener(up)` on every carrier change; returns a function that stops it. */
  onCarrier(listener: CarrierListener): () => void {
    this.carrierListeners.add(listener);
    return () => this.carrierListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.toController.unplug(); // cancels pending alarms, so a closed wire leaves no timers behind
    this.toPhone.unplug();
    await this.ready.catch(() => undefined);
    await Promise.all([closePort(this.phonePort), closePort(this.controllerPort)]);
  }

  private tellCarrier(up: boolean): void {
    for (const listener of [...this.carrierListeners]) listener(up);
  }

  /**
   * Once `port` is open, replaces its binding's write: the bytes go to the cable instead of the mock's
   * recorder. Registered before anyone can write, so the stream's queued writes (which wait for the
   * same 'open' event) already find the cable.
   */
  private intercept(port: SerialPortMock, line: CableLine): Promise<void> {
    return new Promise((resolve, reject) => {
      port.once('open', () => {
        const binding = port.port as MockPortBinding;
        binding.write = async (buffer: Buffer): Promise<void> => {
          if (!binding.isOpen) throw new Error('Port is not open');
          line.send(buffer);
        };
        resolve();
      });
      port.on('error', (err: Error) => {
        this.errors.push(err);
        reject(err);
      });
    });
  }

  private arrive(port: SerialPortMock, bytes: Uint8Array): void {
    const binding = port.port as MockPortBinding | undefined;
    if (binding?.isOpen) {
      binding.emitData(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    } else if (!this.closed) {
      // the far port is still opening (both open within the same ticks): hand it over once it is up
      port.once('open', () => this.arrive(port, bytes));
    }
  }
}

function closePort(port: SerialPortMock): Promise<void> {
  if (!port.isOpen) return Promise.resolve();
  return new Promise((resolve) => port.close(() => resolve()));
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
