// Every rule LeakLint ships, in catalogue order. Rule ids are stable.
import type { Rule } from '../engine/rule';
import listenerLeak from './listener-leak';
import unclearedTimer from './uncleared-timer';
import unclosedResource from './unclosed-resource';

export const RULES: readonly Rule[] = [unclosedResource, unclearedTimer, listenerLeak];

export const RULE_IDS: readonly string[] = RULES.map((r) => r.meta.id);

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}
