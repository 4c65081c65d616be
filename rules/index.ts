// Every rule LeakLint ships, in catalogue order. Rule ids are stable.
import type { Rule } from '../engine/rule';
import listenerLeak from './listener-leak';
import objectKeyedCache from './object-keyed-cache';
import orphanAsyncLoop from './orphan-async-loop';
import subscriptionLeak from './subscription-leak';
import unboundedBuffer from './unbounded-buffer';
import unboundedCollection from './unbounded-collection';
import unboundedFanout from './unbounded-fanout';
import unclearedTimer from './uncleared-timer';
import unclosedResource from './unclosed-resource';
import unconsumedResponseBody from './unconsumed-response-body';
import untrackedDisposable from './untracked-disposable';
import unterminatedWorker from './unterminated-worker';

export const RULES: readonly Rule[] = [
  unclosedResource,
  untrackedDisposable,
  listenerLeak,
  subscriptionLeak,
  unclearedTimer,
  orphanAsyncLoop,
  unterminatedWorker,
  unconsumedResponseBody,
  unboundedCollection,
  unboundedBuffer,
  unboundedFanout,
  objectKeyedCache,
];

export const RULE_IDS: readonly string[] = RULES.map((r) => r.meta.id);

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}
