// The phone's end of the call-server protocol, as the one actor that owns it: a Transactions engine on
// the phone's signalling port, inside an authenticated, private session with each controller
// (firmware/signalling/secure/: key exchange signed by the cluster's key, every message sealed), aimed by
// the service machine at the controller the phone is registered with. It is hardware glue, so the board binds it (signallingLinkLogic(system => hw), the hardware of the actor tree it runs in) and machines only ever
// talk to it through events (events.ts):
//   requests   sig.request {id, msg, to?, tries?, replyTo} -> sig.answer / sig.failed to replyTo
//   cancels    sig.cancel {owner}: only that owner's requests (each owner decides what a re-home means)
//   keepalive  sig.keepalive {id, msg, every, afterMiss, tries, replyTo}: the heartbeat, on the link's own
//              clock (an answered one wakes no machine); each miss -> sig.failed, the first answer after
//              a miss -> sig.answer, to replyTo (the service counts misses and decides on fail-over)
//   pushes     the controller's requests, by topic, to the topic's owners (TOPIC_OWNERS, by system id);
//              only the controller the link is aimed at may push (others get `ack rejected`), and a
//              push no owner is there for is answered `ack unsupported`.
import { fromCallback, type AnyActorRef } from 'xstate';
import type { TrustedKey } from '../boot/image-keys.ts';
import type { AnySystem } from '../system-binding.ts';
import type { Clock, Random, TimerId, Tracer } from '../hal.ts';
import { after } from '../clock-interface.ts';
import type { Message } from '../signalling/messages.ts';
import { SecureEndpoint } from '../signalling/secure/endpoint.ts';
import { TransactionCancelled } from '../signalling/transactions.ts';
import { ownersOf, type LinkEvent, type LinkReply, type SigKeepalive, type SigPush } from './events.ts';
import { samePeer, type Peer } from './peers.ts';

export interface SignallingHardware {
  /** Sends one UDP datagram from the phone's signalling port. */
  send(dstIp: string, dstPort: number, bytes: Uint8Array): void;
  /** Binds the phone's signalling port to `receive`; returns the unbind. */
  listen(receive: (srcIp: string, srcPort: number, bytes: Uint8Array) => void): () => void;
  clock: Clock;
  random: Random;
  tracer: Tracer;
  /** The phone's MAC: the identity its sessions are bound to. */
  mac: string;
  /** The cluster keys the phone trusts to sign a controller's half of the key exchange. */
  clusterKeys: readonly TrustedKey[];
  /** Session keys for a capture reader (HOTDESK_KEYLOG), as SSLKEYLOGFILE does for TLS. */
  keyLog?: (line: string) => void;
  /** Entropy for the session keys (the OS's); without it the seeded Random, for replayable tests only. */
  entropy?: (n: number) => Uint8Array;
}

export interface SignallingLinkInput {
  /** Where the link points until the service aims it elsewhere. */
  server: Peer;
}

/** The heartbeat the link keeps: its terms, and where its schedule is. */
interface Keepalive {
  terms: SigKeepalive;
  timer: TimerId | undefined;
  /** The last heartbeat went unanswered: the next answer is news for the owner. */
  missed: boolean;
}

/**
 * The link actor's logic, finding its hardware by the actor system it runs in (so one logic serves
 * every phone of a process); invoke it with a plain `{ server }` input.
 */
export function signallingLinkLogic(hardwareOf: (system: AnySystem) => SignallingHardware) {
  return fromCallback<LinkEvent, SignallingLinkInput>(({ input, receive, system }) => {
    const hw = hardwareOf(system);
    let server = input.server;
    let closed = false;
    const reply = (to: AnyActorRef, event: LinkReply | SigPush) => {
      if (!closed) to.send(event);
    };
    const endpoint = new SecureEndpoint({
      role: 'phone',
      mac: hw.mac,
      trustedKeys: hw.clusterKeys,
      keyLog: hw.keyLog,
      entropy: hw.entropy,
      transport: { send: hw.send },
      clock: hw.clock,
      random: hw.random,
      tracer: hw.tracer,
      onRequest: (msg: Message, from: Peer): Message | void => {
        const refs = ownersOf(msg.type, (id) => system.get(id));
        if (refs.length === 0) return { type: 'ack', status: 'unsupported' };
        // only the controller we are registered with may push layouts, lamps, logouts and calls at us
        if (!samePeer(from, server)) return { type: 'ack', status: 'rejected' };
        for (const ref of refs) reply(ref, { type: 'sig.push', msg });
      },
    });
    const tx = endpoint.tx;
    const unbind = hw.listen((ip, port, bytes) => endpoint.receive(ip, port, bytes));

    // A request to a controller. A timeout drops the session there, and the exchange the request waited
    // on (endpoint.forget), so the next request opens a new one; a cancelled request leaves both alone.
    // The answer is handled in the request's own `then` (no promise in between): the virtual clock lets
    // a few microtask rounds settle per instant, and an answer one hop later lands in the next instant.
    const ask = (to: Peer, msg: Message, tries: number | undefined, owner: AnyActorRef, answered: (msg: Message) => void, failed: (err: unknown) => void): void => {
      const sentAt = hw.clock.now();
      tx.request(to, msg, { tries, owner }).then(answered, (err: unknown) => {
        if (!(err instanceof TransactionCancelled)) endpoint.forget(to, sentAt);
        failed(err);
      });
    };

    // The heartbeat: one transaction at a time, the next set when it settles; a keepalive replaced or
    // stopped while its transaction is in flight ignores how that transaction ends.
    let keepalive: Keepalive | undefined;
    let lastKeepaliveId: string | undefined;
    const stopKeepalive = () => {
      if (keepalive) hw.clock.clearTimeout(keepalive.timer);
      keepalive = undefined;
    };
    const beatIn = (k: Keepalive, ms: number) => {
      k.timer = after(hw.clock, ms, () => beat(k));
    };
    const beat = (k: Keepalive) => {
      k.timer = undefined;
      ask(
        server,
        k.terms.msg,
        k.terms.tries,
        k.terms.replyTo,
        (msg) => {
          if (keepalive !== k) return;
          if (k.missed) reply(k.terms.replyTo, { type: 'sig.answer', id: k.terms.id, msg });
          k.missed = false;
          beatIn(k, k.terms.every);
        },
        () => {
          if (keepalive !== k) return;
          k.missed = true;
          reply(k.terms.replyTo, { type: 'sig.failed', id: k.terms.id, reason: 'timeout' });
          // the owner may have stopped it on hearing of the miss (its last)
          if (keepalive === k) beatIn(k, k.terms.afterMiss);
        },
      );
    };

    receive((event) => {
      switch (event.type) {
        case 'sig.aim':
          server = event.server;
          return;
        case 'sig.cancel':
          if (keepalive?.terms.replyTo === event.owner) stopKeepalive();
          tx.cancel(event.owner);
          return;
        case 'sig.keepalive':
          if (keepalive?.terms.id === event.id) keepalive.terms = { ...keepalive.terms, msg: event.msg };
          // the id of one stopped (a late message change after a cancel) starts nothing
          else if (event.id !== lastKeepaliveId) {
            stopKeepalive();
            const k: Keepalive = { terms: event, timer: undefined, missed: false };
            keepalive = k;
            lastKeepaliveId = event.id;
            beatIn(k, event.every);
          }
          return;
        case 'sig.request': {
          const { id, replyTo } = event;
          ask(
            event.to ?? server,
            event.msg,
            event.tries,
            replyTo,
            (msg) => reply(replyTo, { type: 'sig.answer', id, msg }),
            (err: unknown) => reply(replyTo, { type: 'sig.failed', id, reason: err instanceof TransactionCancelled ? 'cancelled' : 'timeout' }),
          );
          return;
        }
      }
    });

    return () => {
      closed = true;
      stopKeepalive();
      unbind();
      tx.cancelAll();
      endpoint.reset();
    };
  });
}
