import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../firmware/clock.ts';
import { TraceWriter, type StampedRecord } from '../../sim/trace.ts';
import { JsonlFile } from '../../sim/trace-file.ts';

describe('trace', () => {
  it('stamps seq from 1 without gaps, t on the simulation clock, and the node, across nodes', () => {
    const clock = new VirtualClock();
    const writer = new TraceWriter(clock);
    const records: StampedRecord[] = [];
    writer.addSink((r) => records.push(r));
    const phone = writer.forNode('phone:02:00:00:00:00:05');
    const controller = writer.forNode('controller');
    phone.record({ kind: 'display', lines: ['Waiting for LAN link'] });
    clock.advanceSync(12.5);
    controller.record({ kind: 'frame', dir: 'rx', proto: 'arp', summary: 'who-has' });
    phone.record({ kind: 'drop', reason: 'fcs' });
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(records.map((r) => r.t)).toEqual([0, 12.5, 12.5]);
    expect(records[1]).toMatchObject({ node: 'controller', kind: 'frame', dir: 'rx', proto: 'arp' });
  });

  it('writes JSON Lines that parse back in order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotdesk-trace-'));
    const file = new JsonlFile(join(dir, 't.jsonl'));
    const clock = new VirtualClock();
    const writer = new TraceWriter(clock);
    writer.addSink(file.sink);
    const node = writer.forNode('controller');
    for (let i = 0; i < 1000; i++) {
      clock.advanceSync(1);
      node.record({ kind: 'info', message: `n${i}` });
    }
    file.close();
    const lines = readFileSync(join(dir, 't.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1000);
    lines.forEach((r, i) => expect(r).toMatchObject({ seq: i + 1, t: i + 1, message: `n${i}` }));
  });

  it('a sink may take only some kinds; a node learns whether anyone wants a kind at all', () => {
    const clock = new VirtualClock();
    const writer = new TraceWriter(clock);
    const node = writer.forNode('phone:02:00:00:00:00:05');
    expect(node.wants?.('frame')).toBe(false); // nobody listens yet
    const milestones: StampedRecord[] = [];
    writer.addSink((r) => milestones.push(r), ['state', 'info']);
    expect(node.wants?.('frame')).toBe(false);
    expect(node.wants?.('info')).toBe(true);
    node.record({ kind: 'frame', dir: 'tx', proto: 'udp', summary: 'x' });
    node.record({ kind: 'info', message: 'registered' });
    expect(milestones.map((r) => [r.seq, r.kind])).toEqual([[1, 'info']]); // an unwanted record takes no seq
    const all: StampedRecord[] = [];
    writer.addSink((r) => all.push(r));
    expect(node.wants?.('frame')).toBe(true);
    node.record({ kind: 'frame', dir: 'tx', proto: 'udp', summary: 'y' });
    node.record({ kind: 'state', machine: 'phone', value: 'off' });
    expect(all.map((r) => r.seq)).toEqual([2, 3]);
    expect(milestones.map((r) => r.kind)).toEqual(['info', 'state']);
  });
});
