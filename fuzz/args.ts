// `npm run fuzz -- [flags]`: the flags, checked. A bad flag is exit 2 with the usage.
import { LAYERS, type Layer } from './generators.ts';

export const USAGE = `usage: npm run fuzz -- [--frames N] [--seed N] [--target phone|controller|both] [--pty] [--pty-frames N]
                       [--layer L] [--out DIR] [--json]
       npm run fuzz -- --replay FILE
  --frames N      frames per end, in process (default 20000)
  --seed N        the run's seed (default 1): the same seed replays the same run exactly
  --target T      phone, controller or both (default both)
  --pty           also fuzz a real \`hotdesk controller --port\` process over a socat pty pair
  --pty-frames N  frames for the pty run (default: --frames, at most 20000)
  --layer L       only this layer: ${LAYERS.join(', ')}
  --out DIR       where reproducers go (default fuzz-findings/)
  --json          the report as JSON on stdout
  --replay FILE   feed one reproducer's frame(s) to a fresh end; exit 1 when it still crashes or hangs
exit: 0 no crash and no hang, 1 crashes or hangs, 2 bad flags`;

export interface FuzzArgs {
  frames: number;
  seed: number;
  targets: ('phone' | 'controller')[];
  pty: boolean;
  ptyFrames?: number;
  layer?: Layer;
  out: string;
  json: boolean;
  replay?: string;
  help: boolean;
}

export function parseArgs(argv: readonly string[]): FuzzArgs | string {
  const a: FuzzArgs = { frames: 20_000, seed: 1, targets: ['phone', 'controller'], pty: false, out: 'fuzz-findings', json: false, help: false };
  const count = (flag: string, v: string | undefined, min: number): number | string => {
    const n = v !== undefined && /^\d+$/.test(v.replace(/_/g, '')) ? Number(v.replace(/_/g, '')) : NaN;
    return Number.isSafeInteger(n) && n >= min ? n : `fuzz: ${flag} needs a whole number >= ${min}, not ${v ?? 'nothing'}`;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => argv[++i];
    switch (flag) {
      case '--frames':
      case '--seed':
      case '--pty-frames': {
        const n = count(flag, value(), flag === '--seed' ? 0 : 1);
        if (typeof n === 'string') return n;
        if (flag === '--frames') a.frames = n;
        else if (flag === '--seed') a.seed = n >>> 0;
        else a.ptyFrames = n;
        break;
      }
      case '--target': {
        const t = value();
        if (t === 'both') a.targets = ['phone', 'controller'];
        else if (t === 'phone' || t === 'controller') a.targets = [t];
        else return `fuzz: --target is phone, controller or both, not ${t ?? 'nothing'}`;
        break;
      }
      case '--layer': {
        const l = value();
        if (!(LAYERS as readonly string[]).includes(l ?? '')) return `fuzz: --layer is one of ${LAYERS.join(', ')}, not ${l ?? 'nothing'}`;
        a.layer = l as Layer;
        break;
      }
      case '--out':
      case '--replay': {
        const v = value();
        if (!v || v.startsWith('--')) return `fuzz: ${flag} needs a path`;
        if (flag === '--out') a.out = v;
        else a.replay = v;
        break;
      }
      case '--pty':
        a.pty = true;
        break;
      case '--json':
        a.json = true;
        break;
      case '--help':
      case '-h':
        a.help = true;
        break;
      default:
        return `fuzz: unknown flag ${flag}`;
    }
  }
  return a;
}
