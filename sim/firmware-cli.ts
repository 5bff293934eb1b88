// `hotdesk firmware build|sign|inspect`: make, re-sign and look into firmware images. Errors are one
// line on stderr: exit 2 for bad usage (fix the command line), 1 for a bad image.
import { readFileSync, writeFileSync } from 'node:fs';
import { createPrivateKey, createHash, type KeyObject } from 'node:crypto';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { imageLength, parseImageHeader, verifyHeaderSignature } from '../firmware/boot/image.ts';
import { sameKeyId, trustedKeyFromPem, type TrustedKey } from '../firmware/boot/image-keys.ts';
import { formatVersion, parseVersion } from '../firmware/boot/image-version.ts';
import { DEV_PUBLIC_KEY_PEM } from './controller/dev-keys/index.ts';
import { generatePayload, parseSize } from './controller/firmware-store/payload.ts';
import { buildImage, resignImage } from './controller/firmware-store/signing.ts';

export interface FirmwareCliIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: FirmwareCliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}
const usage = (m: string) => new CliError(m, 2);
const badImage = (m: string) => new CliError(m, 1);

type Options = NonNullable<ParseArgsConfig['options']>;
interface Sub {
  usage: string;
  summary: string;
  options: Options;
  run(values: Record<string, unknown>, positionals: string[], io: FirmwareCliIo): number;
}

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

const SUBS: Record<string, Sub> = {
  build: {
    usage: 'hotdesk firmware build --family F --version A.B.C.D (--payload FILE | --size SIZE [--seed N]) --out FILE [--key PEM]',
    summary: 'build a signed image (with the committed DEV key unless --key); --size makes a deterministic payload, e.g. 2MiB',
    options: { ...HELP, family: { type: 'string' }, version: { type: 'string' }, payload: { type: 'string' }, size: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, key: { type: 'string' } },
    run: runBuild,
  },
  sign: {
    usage: 'hotdesk firmware sign IMAGE --key PEM [--out FILE]',
    summary: 're-sign an image with a private key: the payload as it is now gets hashed and signed (in place unless --out)',
    options: { ...HELP, key: { type: 'string' }, out: { type: 'string' } },
    run: runSign,
  },
  inspect: {
    usage: 'hotdesk firmware inspect IMAGE [--pubkey PEM]',
    summary: 'print the header and check hash and signature (against the DEV key unless --pubkey); exit 1 if either is BAD',
    options: { ...HELP, pubkey: { type: 'string' } },
    run: runInspect,
  },
};

function help(): string {
  const lines = Object.values(SUBS).map((s) => `  ${s.usage}\n      ${s.summary}`);
  return `usage: hotdesk firmware build|sign|inspect ...\n\n${lines.join('\n')}\n`;
}

/** `argv` is what follows `hotdesk firmware`. Returns the exit code. */
export async function firmwareCommand(argv: string[], io: FirmwareCliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(help());
    return name === undefined ? 2 : 0;
  }
  const sub = SUBS[name];
  try {
    if (!sub) throw usage(`unknown subcommand "${name}" (try hotdesk firmware --help)`);
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: sub.options, allowPositionals: true, strict: true });
    } catch (err) {
      throw usage((err as Error).message);
    }
    if (parsed.values.help) {
      io.out(`usage: ${sub.usage}\n\n${sub.summary}\n`);
      return 0;
    }
    return sub.run(parsed.values, parsed.positionals, io);
  } catch (err) {
    const e = err instanceof CliError ? err : new CliError((err as Error).message, 1);
    io.err(`hotdesk firmware${sub ? ` ${name}` : ''}: ${e.message.split('\n')[0]}\n`);
    return e.exitCode;
  }
}

function need(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw usage(`--${name} is required`);
  return v;
}

function onePositional(positionals: string[], what: string): string {
  if (positionals.length !== 1) throw usage(`expected one ${what}, got ${positionals.length}`);
  return positionals[0];
}

function readInput(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw usage(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function writeOutput(path: string, bytes: Uint8Array): void {
  try {
    writeFileSync(path, bytes);
  } catch (err) {
    throw usage(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function loadPrivateKey(path: string): KeyObject {
  const pem = readInput(path, 'key').toString('utf8');
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw usage(`${path} is not a PEM private key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw usage(`${path} is a ${key.asymmetricKeyType} key, not ed25519`);
  return key;
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

function runBuild(values: Record<string, unknown>, positionals: string[], io: FirmwareCliIo): number {
  if (positionals.length > 0) throw usage(`unexpected argument "${positionals[0]}"`);
  const family = need(values, 'family');
  if (!/^[0-9A-Za-z]{4}$/.test(family)) throw usage(`--family "${family}" must be four letters or digits, e.g. 53xx`);
  const version = parseVersion(need(values, 'version'));
  if (!version.ok) throw usage(version.reason);
  const out = need(values, 'out');
  const payloadPath = values.payload as string | undefined;
  const sizeText = values.size as string | undefined;
  if ((payloadPath === undefined) === (sizeText === undefined)) throw usage('give exactly one of --payload FILE or --size SIZE');
  let payload: Uint8Array;
  if (payloadPath !== undefined) {
    if (values.seed !== undefined) throw usage('--seed goes with --size');
    payload = readInput(payloadPath, 'payload');
  } else {
    const size = parseSize(sizeText!);
    if (size === undefined || size > 0xffffffff) throw usage(`--size "${sizeText}" is not a size like 65536, 64KiB or 2MiB`);
    const seedText = (values.seed as string | undefined) ?? '1';
    if (!/^\d{1,10}$/.test(seedText)) throw usage(`--seed "${seedText}" is not a number`);
    payload = generatePayload(size, Number(seedText) >>> 0);
  }
  if (payload.length > 0xffffffff) throw usage('payload larger than 4 GiB');
  const key = values.key === undefined ? undefined : loadPrivateKey(values.key as string);
  const image = buildImage({ family, version: version.version, payload, key });
  writeOutput(out, image);
  io.out(`${out}: ${family} ${formatVersion(version.version)}, ${payload.length} payload bytes, ${image.length} bytes${key ? '' : ' (signed with the DEV key)'}\n`);
  return 0;
}

function runSign(values: Record<string, unknown>, positionals: string[], io: FirmwareCliIo): number {
  const path = onePositional(positionals, 'IMAGE');
  const key = loadPrivateKey(need(values, 'key'));
  const resigned = resignImage(readInput(path, 'image'), key);
  if (!resigned.ok) throw badImage(`${path}: ${resigned.reason}`);
  const out = (values.out as string | undefined) ?? path;
  writeOutput(out, resigned.image);
  io.out(`${out}: re-signed, ${resigned.image.length} bytes\n`);
  return 0;
}

function runInspect(values: Record<string, unknown>, positionals: string[], io: FirmwareCliIo): number {
  const path = onePositional(positionals, 'IMAGE');
  const keyPath = values.pubkey as string | undefined;
  const keyParse = trustedKeyFromPem(keyPath === undefined ? DEV_PUBLIC_KEY_PEM : readInput(keyPath, 'public key').toString('utf8'));
  if (!keyParse.ok) throw usage(`${keyPath}: ${keyParse.reason}`);
  const trusted: TrustedKey = keyParse.key;
  const keyName = keyPath === undefined ? 'the DEV key' : keyPath;

  const image = readInput(path, 'image');
  const parsed = parseImageHeader(image);
  if (!parsed.ok) throw badImage(`${path}: ${parsed.message}`);
  const h = parsed.header;

  const payload = image.subarray(h.headerLength);
  const hashOk = payload.length === h.payloadLength && createHash('sha256').update(payload).digest().equals(Buffer.from(h.payloadSha256));
  const hashNote =
    payload.length !== h.payloadLength
      ? `BAD (${payload.length} payload bytes, header says ${h.payloadLength})`
      : hashOk ? 'OK' : 'BAD (payload does not match)';
  const sig = verifyHeaderSignature(h, [trusted]);
  const sigNote = sig.ok
    ? `OK (${keyName})`
    : sameKeyId(h.keyId, trusted.keyId) ? `BAD (does not verify with ${keyName})` : `BAD (signed by key ${hex(h.keyId)}, not ${keyName})`;

  io.out(
    [
      `image:      ${path} (${image.length} bytes, header says ${imageLength(h)})`,
      `header:     version ${h.headerVersion}, ${h.headerLength} bytes`,
      `family:     ${h.family}`,
      `version:    ${formatVersion(h.version)}`,
      `payload:    ${h.payloadLength} bytes`,
      `sha256:     ${hex(h.payloadSha256)}`,
      `key id:     ${hex(h.keyId)}`,
      `hash:       ${hashNote}`,
      `signature:  ${sigNote}`,
    ].join('\n') + '\n',
  );
  return hashOk && sig.ok ? 0 : 1;
}
