// Firmware versions a.b.c.d, as Mitel writes them (e.g. 6.4.0.136). The phone's upgrade rule is
// "differs", not "newer" (docs/design.md), so equality matters most; ordering is there for tools and logs.

/** Four numbers, each 0..65535 (a u16 in the image header). */
export type FirmwareVersion = readonly [number, number, number, number];

export type VersionParse = { ok: true; version: FirmwareVersion } | { ok: false; reason: string };

const PART = /^(0|[1-9][0-9]{0,4})$/;

/** Parses "a.b.c.d"; never throws. */
export function parseVersion(text: string): VersionParse {
  const parts = text.split('.');
  if (parts.length !== 4) return { ok: false, reason: `version "${text}" is not a.b.c.d` };
  const nums: number[] = [];
  for (const p of parts) {
    if (!PART.test(p) || Number(p) > 0xffff) {
      return { ok: false, reason: `version "${text}": each part must be a number 0-65535` };
    }
    nums.push(Number(p));
  }
  return { ok: true, version: [nums[0], nums[1], nums[2], nums[3]] };
}

export function formatVersion(v: FirmwareVersion): string {
  return v.join('.');
}

export function sameVersion(a: FirmwareVersion, b: FirmwareVersion): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

/** Negative, zero or positive, part by part from the left. */
export function compareVersions(a: FirmwareVersion, b: FirmwareVersion): number {
  for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}
