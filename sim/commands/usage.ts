// Errors the user can fix by changing the command line or a file: exit 2, one line.
export class UsageError extends Error {}

export function requireString(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}
