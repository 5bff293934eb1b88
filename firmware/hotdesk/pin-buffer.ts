// The PIN while it is typed and until the login challenge is answered. It lives in a private field so
// nothing that walks the machine's context (JSON.stringify, util.inspect, an inspector, a trace of the
// snapshot) ever sees a digit of it: those all get the masked form. It is wiped as soon as the HMAC is
// computed, or the entry is abandoned.

/** A PIN is 0 to 8 digits (Mitel: "PINs must be from 0 to 8 characters ... Only digits"). */
export const MAX_PIN_DIGITS = 8;

export class PinBuffer {
  #digits = '';

  get length(): number {
    return this.#digits.length;
  }

  /** Adds one digit; false (and nothing changes) for a non-digit or a 9th digit. */
  push(key: string): boolean {
    if (!/^[0-9]$/.test(key) || this.#digits.length >= MAX_PIN_DIGITS) return false;
    this.#digits += key;
    return true;
  }

  /** Hands the PIN to `use` (the HMAC computation) without it ever becoming a context field. */
  use<T>(use: (pin: string) => T): T {
    return use(this.#digits);
  }

  wipe(): void {
    this.#digits = '';
  }

  /** What the display shows: one `*` per digit. */
  masked(): string {
    return '*'.repeat(this.#digits.length);
  }

  toJSON(): string {
    return this.masked();
  }

  toString(): string {
    return this.masked();
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `PinBuffer(${this.masked()})`;
  }
}
