import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../firmware/clock.ts';
import { SeededRandom } from '../../../firmware/random.ts';
import { FLAG_ACK_NEEDED, FLAG_REQUEST, FLAG_RESPONSE, FLAG_RETRANSMIT, encodeMessage } from '../../../firmware/signalling/messages.ts';
import type { Message } from '../../../firmware/signalling/messages.ts';
import { TransactionCancelled, TransactionTimeout, Transactions } from '../../../firmware/signalling/transactions.ts';
import type { Peer, RequestHandler, TransactionsOptions } from '../../../firmware/signalling/transactions.ts';
import { FakeNet, flush } from '../../support/fake-net.ts';
import { RecordingTracer } from '../../support/flash.ts';

const PHONE: Peer = { ip: '10.0.0.50', port: 6800 };
const SERVER: Peer = { ip: '10.0.0.1', port: 6800 };
const REGISTER: Message = { type: 'register', mac: '00:08:5d:12:34:56', model: '5340', firmwareVersion: '1.0', dn: '', hotdeskExt: '', sessionToken: new Uint8Array(16), layoutCrc: 0 };
const REGISTER_ACK: Message = { type: 'register-ack', result: 'ok', heartbeatSeconds: 30, healthCheckSeconds: 20, serverTimeMs: 0, controllerId: 'icp1', firmwareVersion: '1.0', alarmDn: '0', dialDigits: 4, dn: '' };

/** A phone and a controller on one fake network; the controller counts its handler runs. */
function world(opts: { handler?: RequestHandler; phone?: Partial<TransactionsOptions>; server?: Partial<TransactionsOptions> } = {}) {
  const clock = new VirtualClock();
  const net = new FakeNet(clock);
  const calls: Message[] = [];
  const handler: RequestHandler = opts.handler ?? ((msg) => (msg.type === 'register' ? REGISTER_ACK : undefined));
  const phone = new Transactions({ transport: net.transportFor(PHONE), clock, random: new SeededRandom(1), ...opts.phone });
  const server = new Transactions({
    transport: net.transportFor(SERVER),
    clock,
    random: new SeededRandom(2),
    onRequest: (msg, from) => {
      calls.push(msg);
      return handler(msg, from);
    },
    ...opts.server,
  });
  net.attach(PHONE, phone);
  net.attach(SERVER, server);
  return { clock, net, phone, server, calls };
}

/** Tracks a promise's outcome without awaiting it, so the clock can be stepped in between. */
function watch<T>(p: Promise<T>) {
  const state: { value?: T; error?: unknown; settled: boolean } = { settled: false };
  p.then(
    (value) => Object.assign(state, { value, settled: true }),
    (error) => Object.assign(state, { error, settled: true }),
  );
  return state;
}

describe('transactions: the requester', () => {
  it('retransmits at 500, 1000, 2000, 4000 ms intervals and reports the timeout after the 5th try', async () => {
    const { clock, net, phone } = world();
    const r = watch(phone.request({ ip: '10.0.0.99', port: 6800 }, REGISTER)); // nobody there
    clock.advanceSync(15_499);
    await flush();
    const sends = net.sentBy(PHONE);
    expect(sends.map((s) => s.t)).toEqual([0, 500, 1500, 3500, 7500]);
    expect(new Set(sends.map((s) => s.txid)).size).toBe(1);
    expect(sends.map((s) => s.flags)).toEqual([FLAG_REQUEST, ...Array(4).fill(FLAG_REQUEST | FLAG_RETRANSMIT)]);
    expect(r.settled).toBe(false); // the last try still gets its full 8 s
    clock.advanceSync(1);
    await flush();
    expect(r.error).toBeInstanceOf(TransactionTimeout);
    expect(r.error).toMatchObject({ request: 'register', tries: 5, dst: { ip: '10.0.0.99', port: 6800 } });
    expect(phone.stats).toMatchObject({ requestsSent: 1, retransmissions: 4, timeouts: 1 });
    expect(phone.outstanding).toBe(0);
    expect(clock.pending).toBe(0); // nothing left ticking
  });

  it('bounds the tries as configured, per instance and per request', async () => {
    const { clock, net, phone } = world({ phone: { tries: 3 } });
    const three = watch(phone.request({ ip: '10.0.0.99', port: 1 }, REGISTER));
    clock.advanceSync(3_499);
    await flush();
    expect(three.settled).toBe(false);
    clock.advanceSync(1);
    await flush();
    expect(three.error).toBeInstanceOf(TransactionTimeout);
    expect(net.sentBy(PHONE).map((s) => s.t)).toEqual([0, 500, 1500]);

    const one = watch(phone.request({ ip: '10.0.0.99', port: 1 }, { type: 'health-check' }, { tries: 1 }));
    clock.advanceSync(500);
    await flush();
    expect(one.error).toBeInstanceOf(TransactionTimeout);
    expect(net.sentBy(PHONE).length).toBe(4);
    expect(() => phone.request(SERVER, REGISTER, { tries: 0 })).toThrow(RangeError);
  });

  it('resolves with the answer and stops retransmitting', async () => {
    const { clock, net, phone, server, calls } = world();
    const r = watch(phone.request(SERVER, REGISTER));
    clock.advanceSync(60_000);
    await flush();
    expect(r.value).toEqual(REGISTER_ACK);
    expect(net.sentBy(PHONE).length).toBe(1);
    expect(net.sentBy(SERVER).map((s) => s.flags)).toEqual([FLAG_RESPONSE]);
    expect(calls).toEqual([REGISTER]);
    expect(server.stats.requestsHandled).toBe(1);
  });

  it('ignores an answer from a peer the request did not go to', async () => {
    const { clock, net, phone } = world();
    const r = watch(phone.request(SERVER, REGISTER));
    const txid = net.sentBy(PHONE)[0].txid;
    phone.receive('10.0.0.66', 6800, encodeMessage(REGISTER_ACK, { txid, flags: FLAG_RESPONSE })); // forged
    await flush();
    expect(r.settled).toBe(false);
    expect(phone.stats.strayResponses).toBe(1);
    clock.advanceSync(100);
    await flush();
    expect(r.value).toEqual(REGISTER_ACK); // the real one still counts
  });

  it('abandons outstanding requests on cancelAll', async () => {
    const { clock, net, phone } = world();
    const r = watch(phone.request({ ip: '10.0.0.99', port: 1 }, REGISTER));
    phone.cancelAll();
    clock.advanceSync(20_000);
    await flush();
    expect(r.error).toBeInstanceOf(TransactionCancelled);
    expect(net.sentBy(PHONE).length).toBe(1);
  });
});

describe('transactions: the responder', () => {
  it('answers a retransmission after a lost answer from its cache, without acting again', async () => {
    const { clock, net, phone, server, calls } = world();
    net.fate = (d) => (d.from === SERVER && d.n === 1 ? 'drop' : 'deliver'); // the first answer is lost
    const r = watch(phone.request(SERVER, REGISTER));
    clock.advanceSync(60_000);
    await flush();
    expect(r.value).toEqual(REGISTER_ACK);
    expect(net.sentBy(PHONE).map((s) => s.t)).toEqual([0, 500]);
    const answers = net.sentBy(SERVER);
    expect(answers.length).toBe(2);
    expect(answers[1].bytes).toEqual(answers[0].bytes); // the SAME response, byte for byte
    expect(calls.length).toBe(1);
    expect(server.stats).toMatchObject({ requestsHandled: 1, duplicateRequests: 1 });
  });

  it('acts once on a request the network delivers twice', async () => {
    const { clock, net, phone, server, calls } = world();
    net.fate = (d) => (d.from === PHONE ? 'duplicate' : 'deliver');
    const r = watch(phone.request(SERVER, REGISTER));
    clock.advanceSync(60_000);
    await flush();
    expect(r.value).toEqual(REGISTER_ACK);
    expect(calls.length).toBe(1);
    expect(server.stats.duplicateRequests).toBe(1);
    expect(phone.stats).toMatchObject({ responsesReceived: 1, strayResponses: 1 }); // the second answer finds nothing
  });

  it('forgets answers when the cache time runs out, so a reused id is a new request', async () => {
    const { clock, net, phone, calls } = world({ server: { cacheMs: 32_000 } });
    watch(phone.request(SERVER, REGISTER));
    clock.advanceSync(100);
    const request = net.sent[0];
    net.attach(PHONE, { receive() {} });
    const replay = () => net.transportFor(PHONE).send(SERVER.ip, SERVER.port, request.bytes);
    clock.advanceSync(31_000);
    replay();
    clock.advanceSync(100);
    expect(calls.length).toBe(1); // still cached at 31 s
    clock.advanceSync(1_000);
    replay();
    clock.advanceSync(100);
    expect(calls.length).toBe(2); // expired at 32 s after the answer
  });

  it('a cache too small for the load says so: answers pushed out inside their time are counted, the first traced', async () => {
    const tracer = new RecordingTracer();
    // room for about three register-acks
    const { clock, net, phone, server, calls } = world({ server: { cacheMaxBytes: 3 * 520, tracer } });
    for (let i = 0; i < 3; i++) watch(phone.request(SERVER, REGISTER));
    clock.advanceSync(100);
    await flush();
    expect(server.stats.answersEvictedEarly).toBe(0);
    const first = net.sentBy(PHONE)[0];
    for (let i = 0; i < 5; i++) watch(phone.request(SERVER, REGISTER));
    clock.advanceSync(100);
    await flush();
    expect(server.stats.answersEvictedEarly).toBeGreaterThan(0);
    expect(tracer.records.filter((r) => r.kind === 'drop' && r.reason.startsWith('sig answer cache full'))).toHaveLength(1);
    // the first answer is gone inside its 32 s: a repeat of that request is handled again, as counted
    net.attach(PHONE, { receive() {} });
    const before = calls.length;
    net.transportFor(PHONE).send(SERVER.ip, SERVER.port, first.bytes);
    clock.advanceSync(100);
    expect(calls.length).toBe(before + 1);
  });

  it('answers a request without a typed answer with ack; ACK-NEEDED marks it on the wire', async () => {
    const { clock, net, phone } = world();
    const blf = watch(phone.request(SERVER, { type: 'blf-state', dn: '5124', state: 'busy' }));
    const reg = watch(phone.request(SERVER, { type: 'heartbeat', hotdeskExt: '' })); // handler gives nothing
    clock.advanceSync(100);
    await flush();
    const flags = net.sentBy(PHONE).map((s) => s.flags);
    expect(flags).toEqual([FLAG_REQUEST | FLAG_ACK_NEEDED, FLAG_REQUEST]);
    expect(blf.value).toEqual({ type: 'ack', status: 'ok' });
    expect(reg.value).toEqual({ type: 'ack', status: 'unsupported' });
  });

  it('answers ack rejected when its handler throws, and still acts only once', async () => {
    const { clock, net, phone, server, calls } = world({
      handler: () => {
        throw new Error('boom');
      },
    });
    net.fate = (d) => (d.from === SERVER && d.n === 1 ? 'drop' : 'deliver');
    const r = watch(phone.request(SERVER, REGISTER));
    clock.advanceSync(60_000);
    await flush();
    expect(r.value).toEqual({ type: 'ack', status: 'rejected' });
    expect(calls.length).toBe(1);
    expect(server.stats.handlerErrors).toBe(1);
  });

  it('delivers notices one way: no answer, no retransmission', async () => {
    const { clock, net, phone, server } = world();
    const notices: Message[] = [];
    phone.onNotice = (msg) => notices.push(msg);
    server.notify(PHONE, { type: 'blf-state', dn: '5124', state: 'ringing' });
    clock.advanceSync(60_000);
    expect(notices).toEqual([{ type: 'blf-state', dn: '5124', state: 'ringing' }]);
    expect(net.sent.length).toBe(1);
    expect(net.sentBy(SERVER)[0].flags).toBe(0);
  });

  it('counts undecodable datagrams by reason and drops them', () => {
    const { server } = world();
    server.receive(PHONE.ip, PHONE.port, new Uint8Array(3));
    server.receive(PHONE.ip, PHONE.port, new Uint8Array(20));
    server.receive(PHONE.ip, PHONE.port, new Uint8Array(20));
    const junk = encodeMessage(REGISTER, { txid: 1, flags: FLAG_REQUEST });
    server.receive(PHONE.ip, PHONE.port, junk.subarray(0, junk.length - 2));
    expect(server.stats.decodeFailures).toEqual({ 'too-short': 1, 'bad-magic': 2, 'bad-length': 1 });
    expect(server.stats.requestsHandled).toBe(0);
  });
});

describe('transactions: any pattern of loss and duplication', () => {
  it('acts at most once, answers every delivered copy identically, and resolves iff an answer got through', async () => {
    const fates = fc.array(fc.constantFrom<'deliver' | 'drop' | 'duplicate'>('deliver', 'drop', 'drop', 'duplicate'), { minLength: 12, maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(fates, fc.integer({ min: 1, max: 6 }), async (pattern, tries) => {
        const { clock, net, phone, server, calls } = world({ phone: { tries } });
        net.fate = (d) => pattern[d.n % pattern.length];
        const r = watch(phone.request(SERVER, REGISTER));
        clock.advanceSync(120_000);
        await flush();
        const requestsIn = net.delivered.filter((d) => d.to === SERVER || d.to.ip === SERVER.ip).length;
        const answersIn = net.delivered.filter((d) => d.from === SERVER).length;
        expect(calls.length).toBe(requestsIn > 0 ? 1 : 0);
        expect(server.stats.duplicateRequests).toBe(Math.max(0, requestsIn - 1));
        const answers = net.sentBy(SERVER);
        expect(answers.length).toBe(requestsIn);
        for (const a of answers) expect(a.bytes).toEqual(answers[0].bytes);
        expect(net.sentBy(PHONE).length).toBeLessThanOrEqual(tries);
        expect(r.settled).toBe(true);
        if (answersIn > 0) expect(r.value).toEqual(REGISTER_ACK);
        else expect(r.error).toBeInstanceOf(TransactionTimeout);
        expect(clock.pending).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
