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

const CATALOGUE = [
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
] as const;

/** The id of a rule LeakLint ships. */
export type RuleId = (typeof CATALOGUE)[number]['meta']['id'];

export const RULES: readonly Rule[] = CATALOGUE;

export const RULE_IDS: readonly RuleId[] = CATALOGUE.map((r) => r.meta.id);

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}

const SEVERITY_SETTING = {
  type: 'string',
  enum: ['off', 'warn', 'error'],
  enumDescriptions: ['Do not run the rule.', 'Report findings as warnings.', 'Report findings as errors.'],
};

/** The `leaklint.rules` setting of the extension manifest (package.json), made from the rule list. */
export function rulesSetting(rules: readonly Rule[] = RULES): object {
  const ids = rules.map((r) => `\`${r.meta.id}\``).join(', ');
  return {
    type: 'object',
    default: {},
    scope: 'resource',
    markdownDescription:
      'Rule severities over `leaklint.config.json`: rule id → `off`, `warn` or `error`, e.g. `{ "uncleared-timer": "error" }`. ' +
      `Rules: ${ids}.`,
    properties: Object.fromEntries(rules.map((r) => [r.meta.id, { ...SEVERITY_SETTING, description: r.meta.description }])),
    additionalProperties: SEVERITY_SETTING,
  };
}
