// deploy/: the Kubernetes Indexed Job, checked offline against the Kubernetes schemas (kubernetes-models),
// and its command run here as the Job would run it: four processes, JOB_COMPLETION_INDEX 0-3, each one
// shard (smaller, to keep it quick). The shards never overlap (MACs, IPs, DNs, users), and `hotdesk
// fleet merge` of their statistics gives the totals one process running the whole fleet gives.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersistentVolumeClaim } from 'kubernetes-models/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { FleetSummary } from '../../sim/fleet/summary.ts';
import type { InventoryLine } from '../../sim/fleet/inventory.ts';
import { hotdeskWith } from './cli.ts';

const DEPLOY = join(import.meta.dirname, '..', '..', 'deploy');
const docs = parseAllDocuments(readFileSync(join(DEPLOY, 'job.yaml'), 'utf8')).map((d) => d.toJS());
const jobDoc = docs.find((d) => d.kind === 'Job');
const container = jobDoc.spec.template.spec.containers[0];
const command: string[] = container.command;
const SHARDS = 4;

/** What the kubelet does to a container's command: $(VAR) becomes the variable's value. */
const expand = (args: string[], env: Record<string, string>) => args.map((a) => a.replace(/\$\(([A-Z_][A-Z0-9_]*)\)/g, (_, v) => env[v] ?? `$(${v})`));

/** The Job's command for a local run: the image's `hotdesk` is bin/hotdesk.js, /out a temp dir, a smaller fleet. */
function localArgs(out: string, phones: string): string[] {
  expect(command[0]).toBe('hotdesk');
  const args = command.slice(1).map((a) => a.replace(/^\/out\//, `${out}/`));
  args[args.indexOf('--phones') + 1] = phones;
  return args;
}

describe('deploy/job.yaml', () => {
  it('is a valid Indexed Job (and its volume claim) by the Kubernetes schemas', () => {
    expect(docs.map((d) => d.kind).sort()).toEqual(['Job', 'PersistentVolumeClaim']);
    expect(() => new Job(jobDoc).validate()).not.toThrow();
    expect(() => new PersistentVolumeClaim(docs.find((d) => d.kind === 'PersistentVolumeClaim')).validate()).not.toThrow();
    // the schemas are really checked: a typo is refused
    expect(() => new Job({ ...jobDoc, spec: { ...jobDoc.spec, completionMode: 'indexed' } }).validate()).toThrow(/completionMode/);
    expect(jobDoc.spec).toMatchObject({ completionMode: 'Indexed', completions: SHARDS, parallelism: SHARDS });
    expect(jobDoc.spec.template.spec.restartPolicy).toBe('Never');
  });

  it('runs one shard per index into the shared volume, and the container file builds the command it runs', () => {
    const at = (flag: string) => command[command.indexOf(flag) + 1];
    expect(command.slice(0, 2)).toEqual(['hotdesk', 'fleet']);
    expect(at('--shard')).toBe(`auto/${SHARDS}`);
    expect(at('--stats')).toBe('/out/stats-$(JOB_COMPLETION_INDEX).csv');
    const mount = container.volumeMounts.find((m: { mountPath: string }) => m.mountPath === '/out');
    const volume = jobDoc.spec.template.spec.volumes.find((v: { name: string }) => v.name === mount.name);
    expect(volume.persistentVolumeClaim.claimName).toBe(docs.find((d) => d.kind === 'PersistentVolumeClaim').metadata.name);
    const containerfile = readFileSync(join(DEPLOY, 'Containerfile'), 'utf8');
    expect(containerfile).toMatch(/^FROM node:20/m);
    expect(containerfile).toMatch(/ln -s \/app\/bin\/hotdesk\.js \/usr\/local\/bin\/hotdesk/);
    for (const dir of ['bin', 'firmware', 'sim', 'hw-profiles']) expect(containerfile).toContain(`COPY ${dir}/ ${dir}/`);
  });

  it('four shards as four processes: no overlap, and the merged totals equal one run of the whole fleet', async () => {
    const out = mkdtempSync(join(tmpdir(), 'fleet-shards-'));
    const whole = mkdtempSync(join(tmpdir(), 'fleet-whole-'));
    const phones = '5340:50,6930:30,5607:20';
    const shards = await Promise.all(
      Array.from({ length: SHARDS }, (_, i) => {
        const env = { JOB_COMPLETION_INDEX: String(i) };
        return hotdeskWith(expand(localArgs(out, phones), env), env);
      }),
    );
    // the whole fleet in one process: the same command without --shard
    const oneArgs = localArgs(whole, phones);
    oneArgs.splice(oneArgs.indexOf('--shard'), 2);
    const one = await hotdeskWith(expand(oneArgs, { JOB_COMPLETION_INDEX: 'all' }));

    for (const [i, r] of shards.entries()) {
      expect(r.stderr, `shard ${i}`).toBe('');
      expect(r.code, `shard ${i}`).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, phones: 25, reached: 25, shards: [`${i}/${SHARDS}`] });
      for (const f of [`stats-${i}.csv`, `report-${i}.html`, `inventory-${i}.jsonl`]) expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(one.code).toBe(0);

    const inventory: InventoryLine[] = Array.from({ length: SHARDS }, (_, i) => readFileSync(join(out, `inventory-${i}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l))).flat();
    expect(inventory).toHaveLength(100);
    for (const key of ['mac', 'ip', 'dn', 'user', 'name'] as const) expect(new Set(inventory.map((l) => l[key])).size, key).toBe(100);
    // the same phones as the single run: who is who does not depend on the sharding
    const oneInventory: InventoryLine[] = readFileSync(join(whole, 'inventory-all.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const who = (l: InventoryLine) => `${l.name} ${l.model} ${l.mac} ${l.dn} ${l.user}`;
    expect(inventory.map(who).sort()).toEqual(oneInventory.map(who).sort());

    const merged = await hotdeskWith(['fleet', 'merge', ...Array.from({ length: SHARDS }, (_, i) => join(out, `stats-${i}.csv`)), '--json', '--report', join(out, 'report.html')]);
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(0);
    const m: FleetSummary = JSON.parse(merged.stdout);
    const o: FleetSummary = JSON.parse(one.stdout);
    expect(m.shards).toEqual(['0/4', '1/4', '2/4', '3/4']);
    const totals = (s: FleetSummary) => ({ ok: s.ok, phones: s.phones, reached: s.reached, failed: s.failed, target: s.target, models: s.models, counts: s.counts, failures: s.failures, samples: Object.fromEntries(Object.entries(s.milestones).map(([k, p]) => [k, p.count])) });
    expect(totals(m)).toEqual(totals(o));
    expect(totals(m).counts.loggedIn).toBe(100);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('0/4, 1/4, 2/4, 3/4');

    // a shard left out: the merge says so and does not pass
    const partial = await hotdeskWith(['fleet', 'merge', join(out, 'stats-0.csv'), join(out, 'stats-2.csv'), '--json']);
    expect(partial.code).toBe(1);
    expect(JSON.parse(partial.stdout)).toMatchObject({ ok: false, phones: 100, reached: 50, failures: { 'shard-missing': 50 } });
  }, 240_000);

  it('--shard auto/N without JOB_COMPLETION_INDEX is the environment (exit 3); bad usage is exit 2', async () => {
    const env = { JOB_COMPLETION_INDEX: '' };
    const noIndex = await hotdeskWith(['fleet', '--phones', '5340:4', '--shard', 'auto/4'], env);
    expect(noIndex.code).toBe(3);
    expect(noIndex.stderr).toMatch(/JOB_COMPLETION_INDEX/);
    const bad = await hotdeskWith(['fleet', '--phones', '5340:4', '--shard', '4/4']);
    expect(bad.code).toBe(2);
    const merge = await hotdeskWith(['fleet', 'merge', '--phones', '5340:4', 'x.csv']);
    expect(merge.code).toBe(2);
  }, 60_000);
});
