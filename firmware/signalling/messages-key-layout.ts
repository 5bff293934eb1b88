// The user's key layout, pushed by the controller after a login: a begin message announcing size and
// CRC, then numbered blocks. The phone applies the layout only when the reassembled bytes have the
// announced length and CRC (key-layout-transfer.ts); the payload format is key-layout.ts.
import { u16be, u32be } from 'buffer-layout';
import { body } from './body-spec.ts';
import type { BodyTable } from './body-spec.ts';
import { bytes } from './wire-fields.ts';

export interface KeyLayoutBegin {
  type: 'key-layout-begin';
  totalBlocks: number; // u16
  totalLength: number; // u32, bytes of layout payload
  crc32: number; // CRC-32 (IEEE, as Ethernet/zip) of the whole payload
}

export interface KeyLayoutBlock {
  type: 'key-layout-block';
  index: number; // 0-based
  bytes: Uint8Array; // at most KEY_LAYOUT_BLOCK_BYTES
}

export type KeyLayoutMessage = KeyLayoutBegin | KeyLayoutBlock;

export const keyLayoutBodies: BodyTable<KeyLayoutMessage> = {
  'key-layout-begin': body(0x20, [u16be('totalBlocks'), u32be('totalLength'), u32be('crc32')]),
  'key-layout-block': body(0x21, [u16be('index'), bytes('bytes')]),
};
