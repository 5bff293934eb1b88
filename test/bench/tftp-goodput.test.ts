// Wire cost of a firmware download, for the firmware-download benchmark: computed by running the real
// engines through the serial line model (virtual time, so the result is exact and instant).
import { describe, expect, it } from 'vitest';
import { FRAME_OVERHEAD, SLIP_ENDS, formatGoodput, measureTftpGoodput, serialBytes } from '../../bench/tftp-goodput.ts';

describe('TFTP goodput over the serial link', () => {
  it('counts SLIP escapes in the serial size of a datagram', () => {
    expect(serialBytes(Uint8Array.of(1, 2, 3))).toBe(FRAME_OVERHEAD + SLIP_ENDS + 3);
    expect(serialBytes(Uint8Array.of(0xc0, 0xdb, 3))).toBe(FRAME_OVERHEAD + SLIP_ENDS + 5);
  });

  it('prints bytes on the wire per payload byte for blksize 512/1428 x windowsize 1/4/8', () => {
    const rows = measureTftpGoodput({ size: 128 * 1024 });
    console.log(formatGoodput(rows));
    const row = (b: number, w: number) => rows.find((r) => r.blksize === b && r.windowsize === w)!;
    for (const r of rows) {
      // downstream: one frame per block, each costing the frame overhead, plus ~2/256 escaped bytes
      const expected = 1 + (FRAME_OVERHEAD + SLIP_ENDS + 4) / r.blksize + 2 / 256;
      expect(r.downPerByte).toBeCloseTo(expected, 2);
      // upstream: one ACK per window
      const ackCost = (FRAME_OVERHEAD + SLIP_ENDS + 4) / (r.blksize * r.windowsize);
      expect(r.upPerByte).toBeCloseTo(ackCost, 2);
    }
    for (const w of [1, 4, 8]) expect(row(1428, w).totalPerByte).toBeLessThan(row(512, w).totalPerByte);
    for (const b of [512, 1428]) {
      expect(row(b, 4).seconds).toBeLessThan(row(b, 1).seconds);
      expect(row(b, 8).seconds).toBeLessThan(row(b, 4).seconds);
    }
    expect(row(1428, 8).efficiency).toBeGreaterThan(0.9);
  });
});
