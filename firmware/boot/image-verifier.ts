// Verifies an image as it streams from TFTP to flash: it keeps only the 128-byte header and a running
// SHA-256, never the image, so a 4 MiB upgrade costs the phone no more RAM than a 64 KiB one.
import { createHash, type Hash } from 'node:crypto';
import {
  IMAGE_HEADER_LENGTH,
  imageLength,
  parseImageHeader,
  verifyHeaderSignature,
  verifyImage,
  type ImageHeader,
  type ImageHeaderErrorReason,
  type ImageVerifyFailure,
} from './image.ts';
import type { TrustedKey } from './image-keys.ts';

export type StreamFailure = ImageHeaderErrorReason | ImageVerifyFailure | 'wrong-family' | 'too-large' | 'too-long' | 'truncated';

export type StreamStatus =
  | { state: 'need-header' }
  /** The header is known and its signature is good; payload bytes are being hashed. */
  | { state: 'receiving'; header: ImageHeader; received: number; total: number }
  | { state: 'failed'; reason: StreamFailure; message: string };

export type StreamVerdict =
  | { ok: true; header: ImageHeader; key: TrustedKey }
  | { ok: false; reason: StreamFailure; message: string };

export interface StreamVerifierOptions {
  /** Refuse an image for another model family as soon as the header arrives. */
  family?: string;
  /** Refuse an image that cannot fit (the slot size), before its payload is fetched. */
  maxImageLength?: number;
}

export class ImageStreamVerifier {
  private readonly headerBuf = new Uint8Array(IMAGE_HEADER_LENGTH);
  private received = 0;
  private hash: Hash | undefined;
  private status: StreamStatus = { state: 'need-header' };

  constructor(
    private readonly trustedKeys: readonly TrustedKey[],
    private readonly options: StreamVerifierOptions = {},
  ) {}

  /** The header, once the first 128 bytes have arrived and it verified. */
  get header(): ImageHeader | undefined {
    return this.status.state === 'receiving' ? this.status.header : undefined;
  }

  get current(): StreamStatus {
    return this.status;
  }

  /** Feeds the next bytes of the image, in order, from byte 0. A failure is sticky. */
  push(chunk: Uint8Array): StreamStatus {
    if (this.status.state === 'failed') return this.status;
    let rest = chunk;
    if (this.received < IMAGE_HEADER_LENGTH) {
      const take = Math.min(IMAGE_HEADER_LENGTH - this.received, rest.length);
      this.headerBuf.set(rest.subarray(0, take), this.received);
      this.received += take;
      rest = rest.subarray(take);
      if (this.received < IMAGE_HEADER_LENGTH) return this.status;
      this.status = this.acceptHeader();
      if (this.status.state === 'failed') return this.status;
    }
    const s = this.status as Extract<StreamStatus, { state: 'receiving' }>;
    if (this.received + rest.length > s.total) {
      return this.fail('too-long', `image longer than the ${s.total} bytes its header announces`);
    }
    this.hash!.update(rest);
    this.received += rest.length;
    this.status = { ...s, received: this.received };
    return this.status;
  }

  /** Call at the end of the transfer: all bytes there and the payload hash matches the signed header. */
  finish(): StreamVerdict {
    const s = this.status;
    if (s.state === 'failed') return { ok: false, reason: s.reason, message: s.message };
    if (s.state === 'need-header' || s.received < s.total) {
      const total = s.state === 'receiving' ? s.total : IMAGE_HEADER_LENGTH;
      const message = `image truncated: ${this.received} of ${total} bytes`;
      this.fail('truncated', message);
      return { ok: false, reason: 'truncated', message };
    }
    const verdict = verifyImage(s.header, this.hash!.digest(), this.trustedKeys);
    if (!verdict.ok) {
      this.fail(verdict.reason, verdict.message);
      return verdict;
    }
    return { ok: true, header: s.header, key: verdict.key };
  }

  private acceptHeader(): StreamStatus {
    const parsed = parseImageHeader(this.headerBuf);
    if (!parsed.ok) return this.fail(parsed.reason, parsed.message);
    const header = parsed.header;
    if (this.options.family !== undefined && header.family !== this.options.family) {
      return this.fail('wrong-family', `image is for the ${header.family} family, not ${this.options.family}`);
    }
    const total = imageLength(header);
    if (this.options.maxImageLength !== undefined && total > this.options.maxImageLength) {
      return this.fail('too-large', `image of ${total} bytes does not fit ${this.options.maxImageLength}`);
    }
    const signed = verifyHeaderSignature(header, this.trustedKeys);
    if (!signed.ok) return this.fail(signed.reason, signed.message);
    this.hash = createHash('sha256');
    return { state: 'receiving', header, received: this.received, total };
  }

  private fail(reason: StreamFailure, message: string): StreamStatus {
    this.status = { state: 'failed', reason, message };
    this.hash = undefined;
    return this.status;
  }
}
