#!/usr/bin/env node
// The `hotdesk` command: runs the TypeScript sources through tsx, so `npx hotdesk` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../sim/cli.ts');
process.exitCode = await main(process.argv.slice(2));
