// A worker process of the fleet benchmark: runs one slice of the fleet (fleet-rig.ts) through the phases
// its parent asks for, one message each, and answers each with what it measured. The parent starts it
// with fleet-processes.ts; nothing here is shared with the other slices but the code.
import { FleetSlice, type SliceSpec } from './fleet-rig.ts';
import type { SliceReply, SliceRequest } from './fleet-processes.ts';

let slice: FleetSlice | undefined;
let base: { heapUsed: number; external: number } | undefined;

async function handle(req: SliceRequest): Promise<SliceReply> {
  switch (req.kind) {
    case 'ping':
      return { kind: 'pong' };
    case 'build': {
      // what this process holds before the slice exists: the code, the profiles, the JIT's first caches
      const { memoryNow } = await import('./gc.ts');
      base = await memoryNow();
      const built = await FleetSlice.build(req.spec as SliceSpec);
      slice = built.slice;
      return { kind: 'phase', phase: built.build };
    }
    case 'register':
      return { kind: 'phase', phase: await slice!.register() };
    case 'login':
      return { kind: 'phase', phase: await slice!.login() };
    case 'idle': {
      const r = await slice!.idle(req.ms);
      return { kind: 'phase', phase: r, heartbeats: r.heartbeats };
    }
    case 'memory': {
      const m = await slice!.memory();
      return { kind: 'memory', memory: m, base: base! };
    }
    case 'close':
      await slice?.close();
      slice = undefined;
      return { kind: 'closed' };
  }
}

const answer = (reply: SliceReply) => process.send!(reply);
process.on('message', (req: SliceRequest) => {
  handle(req).then(answer, (err: unknown) => answer({ kind: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }));
});
// the parent gone (killed, crashed): nothing is left to answer to
process.on('disconnect', () => process.exit(0));
