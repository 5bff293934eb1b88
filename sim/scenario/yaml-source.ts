// A YAML file as a person wrote it: parsed with its lines, so every problem the loaders find is reported
// at the line that is wrong, in plain words rather than the YAML library's (a quote never closed is
// reported where it opens, not where the file ends).
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, type Document, type Node as YamlNode, type YAMLError } from 'yaml';
import { ScenarioFileError } from './errors.ts';

export interface YamlSource {
  file: string;
  doc: Document.Parsed;
  /** The line (1-based) a node starts on; 1 for none. */
  lineOf(node: YamlNode | null | undefined): number;
  /**
   * The node at `path` below `base` (keys and list indexes), or the deepest one of it that exists: the
   * line an error about that place is reported at.
   */
  nodeAt(path: readonly (string | number)[], base?: YamlNode): YamlNode | undefined;
}

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'a directory, not a file',
  EACCES: 'permission denied',
};

export function readYamlFile(file: string): YamlSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new ScenarioFileError(file, 0, `cannot read the file (${READ_ERRORS[code] ?? code})`);
  }
  return parseYamlSource(text, file);
}

export function parseYamlSource(text: string, file: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problem = plainYamlError(doc.errors[0], text);
    throw new ScenarioFileError(file, lines.linePos(problem.offset).line, problem.reason);
  }
  const lineOf = (node: YamlNode | null | undefined) => (node?.range ? lines.linePos(node.range[0]).line : 1);
  const nodeAt = (path: readonly (string | number)[], base?: YamlNode) => {
    let node = base ?? (doc.contents as YamlNode | null) ?? undefined;
    for (const step of path) {
      const next = (node as { get?(key: unknown, keep: boolean): unknown } | undefined)?.get?.(step, true);
      if (!next || typeof next !== 'object' || !('range' in next)) break;
      node = next as YamlNode;
    }
    return node;
  };
  return { file, doc, lineOf, nodeAt };
}

/** The line of the key `key` of a mapping node (an unknown field is reported where it is written). */
export function keyNodeOf(map: YamlNode | undefined, key: string): YamlNode | undefined {
  const items = (map as { items?: { key: unknown }[] } | undefined)?.items;
  const pair = items?.find((p) => String((p.key as { value?: unknown })?.value ?? p.key) === key);
  const k = pair?.key;
  return k && typeof k === 'object' && 'range' in k ? (k as YamlNode) : undefined;
}

/** The last unmatched `open` before `end` (a flow collection or quote that never closed). */
function opener(text: string, end: number, open: string, close?: string): number {
  let depth = 0;
  for (let i = Math.min(end, text.length) - 1; i >= 0; i--) {
    if (close !== undefined && text[i] === close) depth++;
    else if (text[i] === open) {
      if (depth === 0) return i;
      depth--;
    }
  }
  return end;
}

/** A YAML library error as one plain sentence, and where the mistake is (a character offset). */
export function plainYamlError(e: YAMLError, text: string): { offset: number; reason: string } {
  const at = e.pos[0];
  const m = e.message;
  switch (e.code) {
    case 'TAB_AS_INDENT':
      return { offset: at, reason: 'a tab in the indentation: YAML indents with spaces' };
    case 'DUPLICATE_KEY': {
      const key = /^\s*["']?([^:"'\n]+)/.exec(text.slice(at))?.[1]?.trim();
      return { offset: at, reason: `${key ? `"${key}"` : 'a key'} is given twice in the same mapping` };
    }
    case 'BAD_INDENT':
      if (/Flow (map|sequence)/.test(m)) {
        const [open, close] = /Flow map/.test(m) ? ['{', '}'] : ['[', ']'];
        return { offset: opener(text, at, open, close), reason: `a "${open}" opened here is never closed with "${close}"` };
      }
      return { offset: at, reason: 'this line is indented differently from the items before it (list items and keys of one block line up)' };
    case 'BLOCK_AS_IMPLICIT_KEY':
      if (/compact mappings/.test(m)) return { offset: at, reason: 'a second ": " on one line: quote the value (wait-display: "Name: x")' };
      return { offset: at, reason: 'a list item indented under a key that already has a value: line it up with the items before it' };
    case 'MULTILINE_IMPLICIT_KEY':
    case 'MISSING_CHAR':
      if (/quote/.test(m)) {
        const q = m.includes("'") && !m.includes('"') ? "'" : '"';
        return { offset: opener(text, at, q), reason: `a ${q === '"' ? 'double' : 'single'} quote opened here is never closed` };
      }
      return { offset: at, reason: 'a key without ":" after it, or a line that does not belong to the block above' };
    case 'BAD_SCALAR_START':
      return { offset: at, reason: `a value cannot start with ${/character (\S)/.exec(m)?.[1] ?? 'that character'}: put it in quotes` };
    case 'MULTIPLE_DOCS':
      return { offset: at, reason: 'a second document ("---"): a file holds one' };
    case 'BAD_ALIAS':
    case 'ALIAS_PROPS':
      return { offset: at, reason: 'an alias (*name) that names no anchor (&name) before it' };
    case 'BLOCK_IN_FLOW':
      return { offset: at, reason: 'a block (a "- " list or "key:" lines) inside { } or [ ]: write it all in the brackets or none of it' };
    case 'UNEXPECTED_TOKEN':
      return { offset: at, reason: `not valid YAML here (${m.split('\n')[0].replace(/\.$/, '')})` };
    default:
      return { offset: at, reason: `not valid YAML: ${m.split('\n')[0]}` };
  }
}
