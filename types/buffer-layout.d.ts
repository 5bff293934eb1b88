// buffer-layout ships no types: this declares the part of its API the project uses.
declare module 'buffer-layout' {
  export class Layout<T = any> {
    constructor(span: number, property?: string);
    span: number;
    property?: string;
    decode(b: Buffer, offset?: number): T;
    encode(src: T, b: Buffer, offset?: number): number;
    getSpan(b?: Buffer, offset?: number): number;
    replicate(property: string): Layout<T>;
  }
  export class Structure<T = any> extends Layout<T> {
    fields: Layout[];
    offsetOf(property: string): number | undefined;
    layoutFor(property: string): Layout | undefined;
  }
  export class Sequence<T = any> extends Layout<T[]> {}
  export class Blob extends Layout<Buffer> {}
  export class BitStructure<T = any> extends Layout<T> {
    addField(bits: number, property: string): BitField;
    addBoolean(property: string): BitField;
  }
  export class BitField {
    bits: number;
    property: string;
  }
  export class ExternalLayout extends Layout<number> {}
  export function u8(property?: string): Layout<number>;
  export function u16(property?: string): Layout<number>;
  export function u24(property?: string): Layout<number>;
  export function u32(property?: string): Layout<number>;
  export function u16be(property?: string): Layout<number>;
  export function u24be(property?: string): Layout<number>;
  export function u32be(property?: string): Layout<number>;
  export function u48be(property?: string): Layout<number>;
  export function nu64be(property?: string): Layout<number>;
  export function s8(property?: string): Layout<number>;
  export function s16be(property?: string): Layout<number>;
  export function s32be(property?: string): Layout<number>;
  export function struct<T = any>(fields: Layout[], property?: string, decodePrefixes?: boolean): Structure<T>;
  export function seq<T = any>(element: Layout<T>, count: number | ExternalLayout, property?: string): Sequence<T>;
  export function blob(length: number | ExternalLayout, property?: string): Blob;
  export function bits<T = any>(word: Layout<number>, msb?: boolean, property?: string): BitStructure<T>;
  export function greedy(elementSpan?: number, property?: string): ExternalLayout;
  export function offset(layout: Layout<number>, offset?: number, property?: string): ExternalLayout;
  export function cstr(property?: string): Layout<string>;
  export function utf8(maxSpan?: number, property?: string): Layout<string>;
  declare const _default: {
    u8: typeof u8; u16be: typeof u16be; u32be: typeof u32be; struct: typeof struct; blob: typeof blob;
    seq: typeof seq; bits: typeof bits; greedy: typeof greedy; offset: typeof offset; utf8: typeof utf8;
    cstr: typeof cstr; u24be: typeof u24be; u48be: typeof u48be; nu64be: typeof nu64be;
  };
  export default _default;
}
