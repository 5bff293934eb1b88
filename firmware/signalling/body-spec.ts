// How a message family declares its bodies: a wire type code and a buffer-layout struct per message
// type. The table type is keyed by the family's `type` names, so a message type without a body (or a
// body for a type that does not exist) is a compile error, not a runtime surprise.
import { struct } from 'buffer-layout';
import type { Layout, Structure } from 'buffer-layout';

export interface BodySpec {
  /** The header's type byte. */
  readonly code: number;
  /** The body after the header; its fields are named after the message's properties. */
  readonly layout: Structure;
}

export function body(code: number, fields: Layout[]): BodySpec {
  return { code, layout: struct(fields) };
}

export type BodyTable<M extends { type: string }> = { readonly [K in M['type']]: BodySpec };
