// Every shipped rule: fixtures (leaky and clean), exact findings, every fix re-parsed and re-type-checked.
import { RULES } from '../rules';
import { testRuleFixtures } from './rule-tester';

for (const rule of RULES) testRuleFixtures(rule);
