// Event registration and removal methods (DOM EventTarget, Node EventEmitter, Lumino signals), in one table for every rule.
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { unwrap } from './expressions';

/** Registration method → the removal methods that undo it. `once` registrations remove themselves after one event. */
const REGISTRATIONS: Record<string, { removals: readonly string[]; once: boolean }> = {
  addEventListener: { removals: ['removeEventListener'], once: false },
  on: { removals: ['off', 'removeListener'], once: false },
  addListener: { removals: ['removeListener', 'off'], once: false },
  prependListener: { removals: ['removeListener', 'off'], once: false },
  once: { removals: ['off', 'removeListener'], once: true },
  prependOnceListener: { removals: ['removeListener', 'off'], once: true },
};

/** Removes every listener of an emitter (for one event, or all). */
export const REMOVE_ALL_LISTENERS = 'removeAllListeners';

/** Methods that register a listener, `once` ones included. */
export const LISTENER_REGISTRATIONS: ReadonlySet<string> = new Set(Object.keys(REGISTRATIONS));

/** Methods that register a listener that stays until it is removed. */
export const PERSISTENT_REGISTRATIONS: ReadonlySet<string> = new Set(Object.keys(REGISTRATIONS).filter((m) => !REGISTRATIONS[m].once));

/** Methods that register a listener that removes itself after one event. */
export const ONCE_REGISTRATIONS: ReadonlySet<string> = new Set(Object.keys(REGISTRATIONS).filter((m) => REGISTRATIONS[m].once));

/** Methods that remove listeners. */
export const LISTENER_REMOVALS: ReadonlySet<string> = new Set([
  ...Object.values(REGISTRATIONS).flatMap((r) => r.removals),
  REMOVE_ALL_LISTENERS,
]);

/** Registration methods whose name alone says the receiver is an event target, typed or not (the DOM's). */
const EVENT_TARGET_REGISTRATIONS: ReadonlySet<string> = new Set(['addEventListener']);

/** The removal of a registration on a receiver whose type is unknown, when the method's name says what it is. */
export function untypedRemovalOf(method: string): string | undefined {
  return EVENT_TARGET_REGISTRATIONS.has(method) ? removalsOf(method)[0] : undefined;
}

/** The removal methods that undo a registration method (empty for names that register nothing). */
export function removalsOf(method: string): readonly string[] {
  return Object.hasOwn(REGISTRATIONS, method) ? REGISTRATIONS[method].removals : [];
}

/**
 * Signals (Lumino's `ISignal`): `signal.connect(slot, thisArg?)` adds a slot that stays until `signal.disconnect(slot,
 * thisArg)` names both again, or a static clean-up (`Signal.clearData(x)`, `disconnectReceiver`, `disconnectSender`,
 * `disconnectAll`) drops every connection that `x` sends or receives.
 */
export const SIGNAL_CONNECT = 'connect';
export const SIGNAL_DISCONNECT = 'disconnect';
export const SIGNAL_CLEANUPS: ReadonlySet<string> = new Set(['clearData', 'disconnectReceiver', 'disconnectSender', 'disconnectAll']);

/** `target.connect(slot, thisArg?)` on a signal: its type connects and disconnects, and the slot is a function. */
export function isSignalConnection(types: TypeQueries, call: ts.CallExpression): boolean {
  const callee = unwrap(call.expression);
  const [slot] = call.arguments;
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== SIGNAL_CONNECT || !slot || call.arguments.length > 2) return false;
  return types.typeFact(call, 'signal-connection', () => {
    const type = types.typeAt(callee.expression);
    return types.hasMethod(type, SIGNAL_DISCONNECT) && types.isCallable(types.typeAt(slot));
  });
}
