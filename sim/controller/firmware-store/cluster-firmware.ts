// Firmware across a cluster: a member may expect phones to run another version than the one this
// controller serves (`cluster: [{ id, ip, firmware: 1.2.0.0 }]`). It says so in its register-ack, and a
// phone that re-homes to it logs its user out and reboots to upgrade. The images it would hand out are
// built here, and the TFTP server serves the load of the cluster's leading member: the first one in
// call_srv order that is alive, which is the controller the rebooted phone will register with.
import { formatVersion, type FirmwareVersion } from '../../../firmware/boot/image-version.ts';
import type { Profile } from '../../../firmware/profile.ts';
import type { ControllerConfig } from '../config.ts';
import { buildFirmwareStore, defaultSpec } from './firmware-images.ts';
import type { FirmwareStore } from './firmware-store.ts';

/** The same families (and files, sizes) the controller serves, at the member's version. */
export function memberFirmwareStore(config: ControllerConfig, version: FirmwareVersion, profiles: Iterable<Profile>): FirmwareStore {
  const all = [...profiles];
  const families = [...new Set(all.flatMap((p) => (p.firmware ? [p.firmware.family] : [])))];
  const specs = config.firmware.length > 0 ? config.firmware.map((f) => ({ ...f, version, tampered: false })) : families.map((f) => defaultSpec(f, version));
  return buildFirmwareStore(specs, all);
}

/** What register-ack announces for a member: its version, or "" (none) when it has no expectation. */
export function expectedFirmware(version: FirmwareVersion | undefined): ((model: string) => string) | undefined {
  if (!version) return undefined;
  const text = formatVersion(version);
  return () => text;
}

/**
 * The store TFTP serves from now: the first live member's (in call_srv order: this controller, then its
 * peers) when that member has images of its own, else this controller's.
 */
export function servingStore(
  members: readonly { ip: string }[],
  isDead: (ip: string) => boolean,
  own: FirmwareStore,
  byMember: ReadonlyMap<string, FirmwareStore>,
): FirmwareStore {
  const lead = members.find((m) => !isDead(m.ip));
  return (lead && byMember.get(lead.ip)) ?? own;
}
