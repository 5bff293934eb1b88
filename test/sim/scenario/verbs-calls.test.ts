// expect-call and wait-call against a fake target whose calls change at set times on a virtual clock
// (no real sleeps): what passes, what fails, and that a failure lists the calls the phone has.
import { describe, expect, it } from 'vitest';
import type { CallView } from '../../../firmware/calls/view.ts';
import type { HotdeskView } from '../../../firmware/hotdesk/view.ts';
import { StepFailure } from '../../../sim/scenario/errors.ts';
import { runScenario } from '../../../sim/scenario/run.ts';
import { parseScenario } from '../../../sim/scenario/load.ts';
import type { ScenarioTarget } from '../../../sim/scenario/target.ts';
import { VERBS } from '../../../sim/scenario/verbs.ts';

const call = (party: string, state: CallView['state'], more: Partial<CallView> = {}): CallView => ({ call: 1, line: 0, dn: '5000', party, state, ...more });

/** A target whose phone's calls are `timeline` entries: from time `at` on, those calls (per phone). */
class FakeTarget implements ScenarioTarget {
  t = 0;
  selected: string | undefined;
  inService = true;
  constructor(private readonly timeline: { at: number; calls: CallView[]; phone?: string }[]) {}
  private calls(): CallView[] {
    const mine = this.timeline.filter((e) => (e.phone ?? 'phone') === (this.selected ?? 'phone') && e.at <= this.t);
    return mine.length ? mine[mine.length - 1].calls : [];
  }
  async advance(ms: number, until?: () => boolean): Promise<boolean> {
    const end = this.t + ms;
    if (until?.()) return true;
    for (const at of [...new Set(this.timeline.map((e) => e.at))].sort((a, b) => a - b)) {
      if (at <= this.t || at > end) continue;
      this.t = at;
      if (until?.()) return true;
    }
    this.t = end;
    return until ? until() : true;
  }
  now = () => this.t;
  display = () => ['Connected'];
  displaysSince = () => [];
  press() {}
  lamp = () => 'off';
  power() {}
  firmware = () => undefined;
  select(name: string | undefined) {
    this.selected = name;
  }
  async actOnController() {}
  hotdesk(): HotdeskView | undefined {
    if (!this.inService) return undefined;
    return { user: undefined, keys: [], hiddenLines: [], pkmEnabled: true, softkeys: [], calls: this.calls() } as unknown as HotdeskView;
  }
}

const parse = (verb: string, yaml: string) => parseScenario(`name: x\nprofile: 5340\nphones: [{ name: desk2, profile: 6930 }]\nsteps:\n  - ${verb}: ${yaml}\n`, 'f.yaml').steps[0].arg;

async function run(target: ScenarioTarget, verb: string, yaml: string): Promise<string> {
  try {
    await VERBS[verb].run(target, parse(verb, yaml), 'phone');
    return 'ok';
  } catch (err) {
    if (err instanceof StepFailure) return err.message;
    throw err;
  }
}

describe('expect-call', () => {
  const target = new FakeTarget([{ at: 0, calls: [call('5124', 'connected'), call('5200', 'waiting', { ringer: false })] }]);

  it('passes when a call has that party in that state', async () => {
    expect(await run(target, 'expect-call', '{ party: "5124", state: connected }')).toBe('ok');
    expect(await run(target, 'expect-call', '{ party: 5200, state: waiting, ringer: false }')).toBe('ok');
    expect(await run(target, 'expect-call', '{ state: waiting }')).toBe('ok');
  });

  it('fails listing the calls the phone has', async () => {
    expect(await run(target, 'expect-call', '{ party: "5124", state: held }')).toBe('no call with 5124 held (calls: 5124 connected, 5200 waiting (ringer off))');
    expect(await run(target, 'expect-call', '{ party: "5200", state: waiting, ringer: true }')).toBe('no call with 5200 waiting, ringer on (calls: 5124 connected, 5200 waiting (ringer off))');
    expect(await run(target, 'expect-call', 'none')).toBe('the phone still has calls (calls: 5124 connected, 5200 waiting (ringer off))');
  });

  it('none passes on a phone without calls; a phone out of service has none to read', async () => {
    const idle = new FakeTarget([]);
    expect(await run(idle, 'expect-call', 'none')).toBe('ok');
    expect(await run(idle, 'expect-call', '{ party: "5124", state: ringback }')).toBe('no call with 5124 ringback (calls: none)');
    idle.inService = false;
    expect(await run(idle, 'expect-call', 'none')).toMatch(/not in service/);
  });

  it('never shows the digits dialled, only how many', async () => {
    const dialling = new FakeTarget([{ at: 0, calls: [call('', 'dialling', { call: 0, dialled: '512' })] }]);
    expect(await run(dialling, 'expect-call', '{ party: "5124", state: dialling }')).toBe('no call with 5124 dialling (calls: (3 digits) dialling)');
    expect(await run(dialling, 'expect-call', '{ state: dialling }')).toBe('ok');
  });
});

describe('wait-call', () => {
  const timeline = () =>
    new FakeTarget([
      { at: 0, calls: [call('5124', 'ringback')] },
      { at: 3_000, calls: [call('5124', 'connected')] },
      { at: 9_000, calls: [] },
    ]);

  it('runs the clock until the call is in that state', async () => {
    const t = timeline();
    expect(await run(t, 'wait-call', '{ party: "5124", state: connected }')).toBe('ok');
    expect(t.now()).toBe(3_000);
    expect(await run(t, 'wait-call', 'none')).toBe('ok');
    expect(t.now()).toBe(9_000);
  });

  it('fails at its timeout listing the calls', async () => {
    const t = timeline();
    const arg = parseScenario('name: x\nprofile: 5340\nsteps:\n  - wait-call: { party: "5124", state: held }\n    timeout: 5s\n', 'f.yaml').steps[0].arg;
    await expect(VERBS['wait-call'].run(t, arg, 'phone')).rejects.toThrow('no call with 5124 held within 5000 ms (calls: 5124 connected)');
    expect(t.now()).toBe(5_000);
  });

  it('waits 60 s by default', async () => {
    const t = new FakeTarget([{ at: 0, calls: [call('5124', 'ringback')] }]);
    expect(await run(t, 'wait-call', '{ party: "5124", state: connected }')).toMatch(/within 60000 ms/);
    expect(t.now()).toBe(60_000);
  });
});

describe('the call steps with on:', () => {
  it('read the calls of the phone the step is on, and report it', async () => {
    const t = new FakeTarget([
      { at: 0, calls: [call('5000', 'ringing', { ringer: true })], phone: 'desk2' },
      { at: 0, calls: [call('5124', 'ringback')] },
    ]);
    const s = parseScenario(
      'name: two\nprofile: 5340\nphones: [{ name: desk2, profile: 6930 }]\nsteps:\n' +
        '  - { expect-call: { party: "5000", state: ringing, ringer: true }, on: desk2 }\n' +
        '  - expect-call: { party: "5124", state: ringback }\n' +
        '  - { wait-call: { party: "5124", state: connected }, on: desk2, timeout: 1s }\n',
      'two.yaml',
    );
    const result = await runScenario(s, t);
    expect(result.ok).toBe(false);
    expect(result.steps.map((r) => r.ok)).toEqual([true, true, false]);
    expect(result.failed).toMatchObject({ line: 7, description: 'wait-call: 5124 connected (on desk2)', reason: 'no call with 5124 connected within 1000 ms (calls: 5000 ringing (ringer on))' });
  });
});
