/** Every kind of fault the harness can inject, one at a time. */
export const FAULT_CLASSES = [
  'service-kill',
  'service-pause',
  'crash-point',
  'delivery-chaos',
  'nats-kill',
  'nats-term',
  'pg-stop',
  'redis-flush',
  'redis-kill',
  'gate-skew',
  'proxy-latency',
  'proxy-drop',
  'provider-notifications',
  'provider-kill',
] as const;

/**
 * The faults only the clustered topology has: one replica of a service killed while the other
 * serves, one NATS node of three killed while the other two keep the streams' quorum, one
 * node cut off from the other two (its routes cut) and healed, a rolling restart of every
 * replica, one after another, and a burst of sagas timing out at once while both order
 * replicas sweep for them.
 */
export const CLUSTER_FAULT_CLASSES = [
  'replica-kill',
  'nats-node-kill',
  'nats-partition',
  'rolling-restart',
  'deadline-race',
] as const;

export type FaultClass = (typeof FAULT_CLASSES)[number] | (typeof CLUSTER_FAULT_CLASSES)[number];

export type TierName = 'ci' | 'soak';

/** single: one nats-server and one process per service; cluster: see chaos/README.md. */
export type Topology = 'single' | 'cluster';
export const TOPOLOGIES: readonly Topology[] = ['single', 'cluster'];

/** How big and how long a run is. */
export interface Tier {
  name: TierName;
  topology: Topology;
  /** The classes this tier injects; each at least once. */
  faultClasses: FaultClass[];
  /** Stop starting faults after this long (the soak tier); the ci tier runs each class once. */
  faultPhaseMs?: number;
  /** Client workers issuing operations at once. */
  workers: number;
  /** Pause of a worker between two operations, in ms. */
  thinkMs: [number, number];
  customers: { rich: number; modest: number; poor: number };
  /** Fault-free traffic before the first fault and after the last one. */
  warmupMs: number;
  tailMs: number;
  /** Traffic between two faults, in ms. */
  gapMs: [number, number];
  /** How often the operator restocks skus running low and tops up modest wallets. */
  replenishEveryMs: number;
  /** Stretches how long each fault is held. */
  holdScale: number;
  /** fsync=off makes PostgreSQL cheap on a CI machine; the soak tier keeps durability on. */
  postgresFsync: boolean;
}

export const TIERS: Record<TierName, Tier> = {
  ci: {
    name: 'ci',
    topology: 'single',
    faultClasses: [...FAULT_CLASSES],
    workers: 3,
    thinkMs: [150, 500],
    customers: { rich: 10, modest: 4, poor: 3 },
    warmupMs: 5_000,
    tailMs: 4_000,
    gapMs: [3_000, 5_000],
    replenishEveryMs: 15_000,
    holdScale: 1,
    postgresFsync: false,
  },
  soak: {
    name: 'soak',
    topology: 'single',
    faultClasses: [...FAULT_CLASSES],
    faultPhaseMs: 30 * 60_000,
    workers: 8,
    thinkMs: [50, 300],
    customers: { rich: 40, modest: 12, poor: 8 },
    warmupMs: 10_000,
    tailMs: 10_000,
    gapMs: [3_000, 15_000],
    replenishEveryMs: 15_000,
    holdScale: 2.5,
    postgresFsync: true,
  },
};

/**
 * The clustered topology's tiers. ci (in `npm test`, so short): each of the cluster's own
 * classes once, with shorter gaps; the single topology's classes are left to its own ci run.
 * soak: every class of both, with the single topology's classes aimed at the first replica
 * (or the first NATS node, and its proxy).
 */
export const CLUSTER_TIERS: Record<TierName, Tier> = {
  ci: {
    ...TIERS.ci,
    topology: 'cluster',
    faultClasses: [...CLUSTER_FAULT_CLASSES],
    warmupMs: 4_000,
    gapMs: [2_000, 3_000],
  },
  soak: {
    ...TIERS.soak,
    topology: 'cluster',
    faultClasses: [...FAULT_CLASSES, ...CLUSTER_FAULT_CLASSES],
  },
};

export function tierOf(name: TierName, topology: Topology = 'single'): Tier {
  return { ...(topology === 'cluster' ? CLUSTER_TIERS : TIERS)[name] };
}
