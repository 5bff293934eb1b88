// The controller's world (a contract, docs/design.md), as a JSON Schema: the same block in a
// scenario's `controller:` and in a `--config` file. Keys are kebab-case as users write them.
import { acdSchema } from './call-server/acd/acd-schema.ts';

const dn = { type: 'string', pattern: '^[0-9]{1,10}$' } as const;
/** A dotted quad, each octet 0-255 without leading zeros ('300.1.1.1' and '01.2.3.4' are not addresses). */
const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4_TEXT = `${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}`;
export const IPV4_PATTERN = `^${IPV4_TEXT}$`;
export const UDP_ENDPOINT_PATTERN = `^${IPV4_TEXT}:\\d{1,5}$`;
const ipv4 = { type: 'string', pattern: IPV4_PATTERN } as const;
const udpEndpointText = { type: 'string', pattern: UDP_ENDPOINT_PATTERN } as const;
const version = { type: 'string', pattern: '^\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}$' } as const;
const duration = { oneOf: [{ type: 'string', pattern: '^\\d+(\\.\\d+)?(ms|s|m|min|h|d)?$' }, { type: 'number', minimum: 0 }] } as const;
const size = { oneOf: [{ type: 'string', pattern: '^\\d+\\s*([BKMbkm]|KB|KiB|MB|MiB)?$' }, { type: 'integer', minimum: 0 }] } as const;

const key = {
  type: 'object',
  additionalProperties: false,
  required: ['key', 'type'],
  properties: {
    key: { oneOf: [{ type: 'integer', minimum: 1 }, { type: 'string', pattern: '^(key:)?[1-9]\\d*$|^pkm[1-9]:[1-9]\\d*$' }] },
    type: { enum: ['line', 'multicall', 'blf', 'speed-dial', 'feature', 'empty'] },
    dn,
    label: { type: 'string', maxLength: 32 },
    feature: { type: 'string' },
    /** How an appearance announces an offered call (line and multicall keys only; checked in config.ts). */
    ring: { enum: ['ring', 'no-ring', 'delay-ring'] },
    /** delay-ring only: how long the appearance stays silent. */
    'ring-delay': duration,
  },
} as const;

const acd = acdSchema({ dn, duration, key });

export const CONTROLLER_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    'access-codes': {
      type: 'object',
      additionalProperties: false,
      properties: { login: dn, logout: dn, 'remote-logout': dn, 'set-registration': dn, ...acd.codes },
    },
    /** Automatic DN Selection: the DNs a set registering with the Set Registration Access Code is given. */
    'dn-range': {
      type: 'object',
      additionalProperties: false,
      required: ['from', 'to'],
      properties: { from: dn, to: dn, 'local-only': { type: 'array', items: dn } },
    },
    /** ACD hot desk agents and their groups (call-server/acd/acd-schema.ts). */
    agents: acd.agents,
    'acd-groups': acd.groups,
    users: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['ext', 'pin'],
        properties: {
          ext: dn,
          pin: { type: 'string', pattern: '^[0-9]{0,8}$' },
          name: { type: 'string', maxLength: 40 },
          language: { enum: ['en', 'fr', 'de', 'es', 'it', 'nl', 'pt'] },
          hotdesk: { type: 'boolean' },
          cos: {
            type: 'object',
            additionalProperties: false,
            properties: { 'remote-logout': { type: 'boolean' }, 'auto-logout-hours': { type: 'number', minimum: 0 } },
          },
          keys: { type: 'array', items: key },
          secondary: ipv4,
          home: ipv4,
          /** An External Hot Desk User: the number (digits, a leading + allowed) the user is reached on. */
          external: { type: 'string', pattern: '^\\+?[0-9]{1,24}$' },
        },
      },
    },
    sets: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['profile'],
        properties: {
          profile: { type: ['string', 'integer'] },
          dn,
          keys: { type: 'array', items: key },
          cos: { type: 'object', additionalProperties: false, properties: { 'remote-logout': { type: 'boolean' }, 'hotdesk-login-accept': { type: 'boolean' } } },
          /** The set's secondary element: with the user's, what keeps a hot desk user through a fail-over. */
          secondary: ipv4,
        },
      },
    },
    dhcp: {
      type: 'object',
      additionalProperties: false,
      properties: {
        option: { enum: [125, 43, '125', '43', '43-encapsulated', 'none'] },
        /** The whole option string, as a DHCP server administrator types it; or built from the fields below. */
        string: { type: 'string', maxLength: 255 },
        'sw-tftp': ipv4,
        'call-srv': { type: 'array', items: ipv4, minItems: 1, maxItems: 4 },
        vlan: { type: 'integer', minimum: 0, maximum: 4095 },
        l2p: { type: 'integer', minimum: 0, maximum: 7 },
        dscp: { type: 'integer', minimum: 0, maximum: 63 },
        /** Offers before the first one carrying the Mitel string: offers without it (a foreign DHCP server). */
        'bare-offers': { type: 'integer', minimum: 0, maximum: 10 },
        /** The addresses handed out, first to last (default: room for every phone of the world; config.ts checks it). */
        pool: { type: 'object', additionalProperties: false, required: ['from', 'to'], properties: { from: ipv4, to: ipv4 } },
        down: { type: 'boolean' },
      },
    },
    tftp: {
      type: 'object',
      additionalProperties: false,
      properties: {
        down: { type: 'boolean' },
        /** Listen on 20001 as well as 69 (the phone tries 20001 first). */
        'port-20001': { type: 'boolean' },
        options: { type: 'boolean' },
        /** Also serve the firmware store on a real UDP socket, HOST:PORT (port 0 picks one), for curl. */
        expose: udpEndpointText,
      },
    },
    /** Relay mode: DHCP and/or TFTP go to real servers over UDP, HOST:PORT each. */
    relay: {
      type: 'object',
      additionalProperties: false,
      properties: { dhcp: udpEndpointText, tftp: udpEndpointText, agent: ipv4 },
    },
    firmware: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['family', 'version'],
        properties: {
          family: { type: 'string' },
          version,
          size,
          file: { type: 'string' },
          seed: { type: 'integer' },
          tampered: { type: 'boolean' },
        },
      },
    },
    'heartbeat-interval': duration,
    'health-check-interval': duration,
    /** Where a userless handset's Alarm key calls (register-ack's alarmDn). */
    'alarm-dn': dn,
    /** Where the users' voice mailboxes answer (the Message key calls it). */
    'voicemail-dn': dn,
    identity: {
      type: 'object',
      additionalProperties: false,
      properties: { id: { type: 'string', minLength: 1, maxLength: 64 }, ip: ipv4 },
    },
    /** Hot desk PIN lockout: `failures` wrong PINs within `window` lock the user for `duration`. */
    lockout: {
      type: 'object',
      additionalProperties: false,
      properties: { failures: { type: 'integer', minimum: 1, maximum: 255 }, window: duration, duration },
    },
    cluster: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['ip'],
        properties: {
          id: { type: 'string', minLength: 1, maxLength: 64 },
          ip: ipv4,
          port: { type: 'integer', minimum: 1, maximum: 65535 },
          /** The firmware version this member expects of phones (register-ack) and serves while it leads. */
          firmware: version,
        },
      },
    },
  },
} as const;
