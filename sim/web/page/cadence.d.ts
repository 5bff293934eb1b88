// Types for the page's cadence.js, so the Node tests can hold it against the firmware's.
import type { Cadence } from '../../../firmware/profile.ts';

export function litAt(cadence: Cadence | undefined, origin: number, now: number): boolean;
