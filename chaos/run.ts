import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runChaos } from './harness';
import { formatReport, writeReport } from './report';
import { installExitHandlers, runCleanupsNow } from './servers/last-resort';
import { CLUSTER_FAULT_CLASSES, FAULT_CLASSES, FaultClass, TIERS, TierName, TOPOLOGIES, Topology } from './tiers';

const USAGE = `usage: npm run chaos -- --tier ci|soak [--topology single|cluster] [--seed N] [--minutes M] [--report path.json]
  --tier     ci: each fault class of the ci tier once (2 to 4 minutes); soak: every class, 30 minutes or more
  --topology single (default): one nats-server, one process per service; cluster: three nats-server
             nodes as one JetStream cluster, two replicas of each service, a load balancer in front
             of the two gateways, and the cluster's own fault classes (chaos/README.md)
  --seed     the seed of the workload and the fault schedule (default 1 for ci, random for soak)
  --minutes  length of the soak's fault phase (default 30)
  --faults   the tier's faults instead of its own, class:count[,class:count...] (a ci run injects
             each once, in a seeded order), e.g. --faults nats-node-kill:6,replica-kill:2
  --report   also write the JSON report there (it is always written under .run/chaos/)`;

function parse(argv: string[]): {
  tier: TierName;
  topology: Topology;
  seed: number;
  minutes?: number;
  faults?: FaultClass[];
  report?: string;
} {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error(USAGE);
    args.set(argv[i].slice(2), argv[i + 1]);
  }
  const tier = (args.get('tier') ?? 'ci') as TierName;
  if (!(tier in TIERS)) throw new Error(USAGE);
  const topology = (args.get('topology') ?? 'single') as Topology;
  if (!TOPOLOGIES.includes(topology)) throw new Error(USAGE);
  const seed = args.has('seed') ? Number(args.get('seed')) : tier === 'ci' ? 1 : Math.floor(Math.random() * 2 ** 31);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer\n${USAGE}`);
  const minutes = args.has('minutes') ? Number(args.get('minutes')) : undefined;
  const faults = args.has('faults') ? parseFaults(args.get('faults')!, topology) : undefined;
  return { tier, topology, seed, minutes, faults, report: args.get('report') };
}

/** `class:count,...` into a list of fault classes; the cluster's own classes need its topology. */
function parseFaults(spec: string, topology: Topology): FaultClass[] {
  const known: readonly string[] =
    topology === 'cluster' ? [...FAULT_CLASSES, ...CLUSTER_FAULT_CLASSES] : FAULT_CLASSES;
  return spec.split(',').flatMap((part) => {
    const [name, count = '1'] = part.split(':');
    const n = Number(count);
    if (!known.includes(name) || !Number.isSafeInteger(n) || n < 1 || n > 100) {
      throw new Error(`--faults: "${part}" is not class[:count] of ${known.join(', ')}\n${USAGE}`);
    }
    return Array<FaultClass>(n).fill(name as FaultClass);
  });
}

/** The repository root (npm runs scripts there; a test may not): services start from its dist/. */
function repositoryRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'zhongtai') return dir;
  }
  throw new Error('not inside the zhongtai repository');
}

async function main(): Promise<number> {
  let options: ReturnType<typeof parse>;
  try {
    options = parse(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 64;
  }
  process.chdir(repositoryRoot(__dirname));
  installExitHandlers(async () => runCleanupsNow());
  const report = await runChaos({
    tier: options.tier,
    topology: options.topology,
    seed: options.seed,
    faultPhaseMs: options.minutes ? options.minutes * 60_000 : undefined,
    faultClasses: options.faults,
  });
  const path = writeReport(report);
  if (options.report) writeReport(report, options.report);
  process.stdout.write(`${formatReport(report)}\nJSON report: ${path}\n`);
  return report.passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `chaos: the run could not complete: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(2);
  },
);
