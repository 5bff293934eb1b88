// Types for the page's keymap.js, so the Node tests can hold it against the terminal's.
export const LETTERS: Record<string, string>;
export const KEY_HELP: string;
export function keyFor(event: { key: string; ctrlKey?: boolean; altKey?: boolean; metaKey?: boolean }): string | undefined;
