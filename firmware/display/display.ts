// The one owner of the phone's screen. Everyone else asks it through events to show their rows on their
// own layer; the top layer with something on it is what the phone shows, and a layer cleared (or a
// notice that times out) uncovers the one below. Keys come here too: each goes to the owner of the
// top layer that takes it, and a key a layer passes on (display.pass) goes to the next one down.
//
//   owners --display.show / display.clear / display.notice--> display --paint--> the board (Screen, Panel)
//   board --key--> display --key--> the owner of the top layer that takes it   (traceKey: `masked` for a PIN digit)
//   owner --display.pass--> display --key--> the next layer down that takes it
//   display --display.notice-over (the system's scheduler, the notice's time)--> display
//
// The rules are pure functions of plain data (layers.ts, displayStep); this actor keeps the state,
// carries out what each step says and binds the hardware the board gives it. It is an actor, not a
// state machine: it has one state that matters (a notice up or not, which the layers say), and it is
// a phone's busiest actor (a third of its events), where a machine's step cost 4 us against 0.3 us for
// this, measured side by side (docs/design.md "The display").
import { fromCallback } from 'xstate';
import type { AnySystem } from '../system-binding.ts';
import { displayStep, EMPTY_DISPLAY, shownOf, type DisplayEvent, type NoticeOver, type Shown } from './layers.ts';

export * from './layers.ts';

/** What the display drives: the board binds it to the Screen, the Panel and the trace. */
export interface DisplayHardware {
  /** Draws what is shown now. */
  paint(shown: Shown): void;
  /** A key in the trace: `masked` while it goes to a PIN entry. */
  traceKey(key: string): void;
}

const NOTICE_TIMER = 'notice';
const NOTICE_OVER: NoticeOver = { type: 'display.notice-over' };

/** The display's logic, finding its hardware by the actor system it runs in (one logic serves every phone). */
export function displayLogic(hardwareOf: (system: AnySystem) => DisplayHardware) {
  return fromCallback<DisplayEvent | NoticeOver>(({ receive, system, self }) => {
    const hw = hardwareOf(system);
    let state = EMPTY_DISPLAY;
    receive((event) => {
      const step = displayStep(state, event);
      state = step.state;
      if (step.traced !== undefined) hw.traceKey(step.traced);
      // the notice's time is the actor system's, as a machine's `after` is: a virtual clock drives it in tests
      if (step.timer) system.scheduler.cancel(self, NOTICE_TIMER);
      if (step.timer === 'start') system.scheduler.schedule(self, self, NOTICE_OVER, state.noticeMs, NOTICE_TIMER);
      if (step.repaint) hw.paint(shownOf(state.layers));
      if (step.route) step.route.owner.send({ type: 'key', key: step.route.key });
    });
    // (a stopped actor's scheduled events are cancelled by XState itself)
  });
}

/** A display bound to nothing (paints nowhere, traces nothing): the default until the board binds one. */
export const unboundDisplay = displayLogic(() => ({ paint: () => {}, traceKey: () => {} }));
