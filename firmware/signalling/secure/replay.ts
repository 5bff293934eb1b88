// Replay protection for one direction of a session: sequence numbers start at 1 and only go up; a
// window of the last 64 remembers which arrived, so reordered datagrams still count once and a replayed
// or duplicated one is refused (the scheme of IPsec's anti-replay window, RFC 4303 3.4.3).

const WINDOW = 64n;

export class ReplayWindow {
  private highest = 0n;
  /** Bit i set: highest - i has been seen. */
  private seen = 0n;

  /** True for a sequence number not seen before and not too old; it is then remembered. */
  accept(seq: bigint): boolean {
    if (seq <= 0n) return false;
    if (seq > this.highest) {
      const shift = seq - this.highest;
      this.seen = shift >= WINDOW ? 1n : ((this.seen << shift) | 1n) & ((1n << WINDOW) - 1n);
      this.highest = seq;
      return true;
    }
    const age = this.highest - seq;
    if (age >= WINDOW) return false;
    const bit = 1n << age;
    if (this.seen & bit) return false;
    this.seen |= bit;
    return true;
  }
}
