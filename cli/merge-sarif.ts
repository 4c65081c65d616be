// `leaklint merge-sarif`: the SARIF logs of the shards of a CI matrix as one log with one run, as an unsharded scan
// would give (code scanning wants one upload per tool and category).
import { compareTuples } from '../engine/portable';
import { FINGERPRINT_KEY } from './formats';

interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  partialFingerprints?: Record<string, string>;
  locations?: {
    physicalLocation?: {
      artifactLocation?: { uri?: string };
      region?: { startLine?: number; startColumn?: number; endLine?: number; endColumn?: number };
    };
  }[];
}
interface SarifRun {
  tool: { driver: { rules?: { id: string }[] } & Record<string, unknown> };
  results?: SarifResult[];
  invocations?: { executionSuccessful?: boolean; toolExecutionNotifications?: unknown[] }[];
}
export interface SarifLog {
  runs: SarifRun[];
}

export class MergeError extends Error {}

export function mergeSarif(logs: { name: string; log: SarifLog }[]): object {
  const runs = logs.flatMap(({ name, log }) => {
    if (!Array.isArray(log?.runs)) throw new MergeError(`${name}: not a SARIF log (no "runs")`);
    return log.runs;
  });
  if (!runs.length) throw new MergeError('no SARIF runs to merge');
  const rules = new Map<string, { id: string }>();
  for (const run of runs) for (const rule of run.tool.driver.rules ?? []) if (!rules.has(rule.id)) rules.set(rule.id, rule);
  const index = new Map([...rules.keys()].map((id, i) => [id, i]));
  const results = runs
    .flatMap((run) => run.results ?? [])
    .map((r) => ({ ...r, ruleIndex: index.get(r.ruleId) ?? -1 }))
    .sort((a, b) => compareTuples(sortKey(a), sortKey(b)));
  const [first] = runs;
  // one scan in several jobs: it succeeded when every job did, and its notifications are all of theirs
  const invocations = runs.flatMap((run) => run.invocations ?? []);
  const invocation = {
    executionSuccessful: invocations.every((i) => i.executionSuccessful !== false),
    toolExecutionNotifications: invocations.flatMap((i) => i.toolExecutionNotifications ?? []),
  };
  return {
    ...logs[0].log,
    runs: [
      {
        ...first,
        tool: { ...first.tool, driver: { ...first.tool.driver, rules: [...rules.values()] } },
        ...(invocations.length && { invocations: [invocation] }),
        results,
      },
    ],
  };
}

function sortKey(r: SarifResult): (string | number)[] {
  const location = r.locations?.[0]?.physicalLocation;
  const region = location?.region ?? {};
  return [
    location?.artifactLocation?.uri ?? '',
    region.startLine ?? 0,
    region.startColumn ?? 0,
    region.endLine ?? 0,
    region.endColumn ?? 0,
    r.ruleId,
    r.partialFingerprints?.[FINGERPRINT_KEY] ?? '',
  ];
}
