#!/usr/bin/env node
// The `hotdesk` command: runs the TypeScript sources as they are (ts-register.js strips their types as they
// load), so `npx hotdesk` works right after `npm ci`.
import './ts-register.js';

const { main } = await import('../sim/cli.ts');
process.exitCode = await main(process.argv.slice(2));
