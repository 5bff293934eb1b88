// Firmware versions a.b.c.d, as Mitel writes them (e.g. 6.4.0.136). At boot the phone's upgrade rule is
// "differs" (the TFTP server's image is the one to run); on a re-home it is "newer" (a controller that
// expects older firmware is no reason to reflash). docs/design.md, "The version rule".

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

/**
 * Compares two versions as text, part by part from the left, a missing part counting 0 ("2.0" is
 * 2.0.0.0): negative, zero or positive; undefined when either is not dotted numbers.
 */
export function compareVersionText(a: string, b: string): number | undefined {
  const parts = (t: string) => (/^[0-9]+(\.[0-9]+)*$/.test(t) ? t.split('.').map(Number) : undefined);
  const x = parts(a);
  const y = parts(b);
  if (!x || !y) return undefined;
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}
