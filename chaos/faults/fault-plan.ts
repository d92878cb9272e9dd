import { SERVICE_NAMES } from '@zhongtai/platform';
import type { ServiceName } from '@zhongtai/platform';
import type { CrashPoint } from '@zhongtai/saga';
import { WORKLOAD_SKUS } from '../fixtures';
import type { Rng } from '../random';
import type { NotificationFaults } from '../servers/provider';
import type { FaultClass } from '../tiers';

/** Which service passes through each crash point of libs/saga in this platform. */
export const CRASH_SITES: readonly { service: ServiceName; point: CrashPoint }[] = [
  { service: 'order', point: 'relay.after-commit-before-publish' },
  { service: 'order', point: 'relay.after-publish-before-mark-sent' },
  { service: 'order', point: 'orchestrator.after-commit-before-ack' },
  { service: 'order', point: 'orchestrator.mid-compensation' },
  { service: 'inventory', point: 'participant.after-commit-before-ack' },
  { service: 'inventory', point: 'relay.after-commit-before-publish' },
  { service: 'payment', point: 'participant.after-commit-before-ack' },
  { service: 'payment', point: 'relay.after-publish-before-mark-sent' },
  { service: 'coupon', point: 'participant.after-commit-before-ack' },
];

/** The services that consume saga messages: the gateway has none. */
const SAGA_SERVICES: readonly ServiceName[] = SERVICE_NAMES.filter((service) => service !== 'gateway');

/** One fault, decided before the run from the seed. */
export interface FaultPlan {
  faultClass: FaultClass;
  /** A service, a server (postgres, nats, redis) or a proxy (postgres-proxy, nats-proxy). */
  target: string;
  /** How long the fault lasts before it is removed. */
  holdMs: number;
  crashPoint?: CrashPoint;
  /** replica-kill: which replica (0 or 1); nats-node-kill, nats-partition: which node (0, 1 or 2). */
  index?: number;
  /**
   * deadline-race: checkouts placed at once when the charges stop being answered;
   * provider-notifications, provider-kill: checkouts paid at the provider at once while the
   * fault holds (or just before the kill), so that notifications are owed meanwhile.
   */
  burst?: number;
  /** provider-notifications: the simulator's own fault settings while the fault holds. */
  notificationFaults?: NotificationFaults;
  latencyMs?: number;
  dropShare?: number;
  deliveryChaos?: { duplicates: number; maxDelayMs: number };
  gateSkew?: GateSkew;
}

/**
 * gate-skew: what is done to the flash-sale gate's keys of a few skus. `units` is the wrong
 * count written over the gate's (0: it refuses while stock exists; far too high: attempts
 * reach PostgreSQL, which must refuse them), or `delete` drops the sku's count. `dropPromises`
 * also deletes the promises that name one of these skus, so that their give-backs find nothing.
 */
export interface GateSkew {
  skus: { sku: string; units: number | 'delete' }[];
  dropPromises: boolean;
}

/**
 * Plans the faults of a run: `classes` in a seeded order, round after round; within a class,
 * targets (services, crash sites) are dealt from a seeded shuffle so that a long run covers
 * all of them.
 */
export class FaultPlanner {
  private readonly decks = new Map<string, unknown[]>();
  private order: FaultClass[] = [];

  /** `holdScale` stretches every fault (the soak tier holds them longer, past step deadlines). */
  constructor(
    private readonly classes: readonly FaultClass[],
    private readonly rng: Rng,
    private readonly holdScale = 1,
  ) {}

  next(): FaultPlan {
    if (this.order.length === 0) this.order = this.rng.shuffle(this.classes);
    return this.plan(this.order.shift()!);
  }

  private deal<T>(name: string, items: readonly T[]): T {
    let deck = this.decks.get(name) as T[] | undefined;
    if (!deck || deck.length === 0) {
      deck = this.rng.shuffle(items);
      this.decks.set(name, deck);
    }
    return deck.shift()!;
  }

  private plan(faultClass: FaultClass): FaultPlan {
    const plan = this.draw(faultClass);
    return plan.faultClass === 'crash-point' ? plan : { ...plan, holdMs: Math.round(plan.holdMs * this.holdScale) };
  }

  private draw(faultClass: FaultClass): FaultPlan {
    const rng = this.rng;
    switch (faultClass) {
      case 'service-kill':
        return { faultClass, target: this.deal('kill', SERVICE_NAMES), holdMs: rng.int(500, 3_000) };
      case 'service-pause':
        return { faultClass, target: this.deal('pause', SERVICE_NAMES), holdMs: rng.int(4_000, 10_000) };
      case 'crash-point': {
        const site = this.deal('crash', CRASH_SITES);
        return { faultClass, target: site.service, crashPoint: site.point, holdMs: 30_000 };
      }
      case 'delivery-chaos':
        return {
          faultClass,
          target: this.deal('delivery', SAGA_SERVICES),
          holdMs: rng.int(5_000, 10_000),
          deliveryChaos: { duplicates: rng.int(1, 2), maxDelayMs: rng.int(20, 300) },
        };
      case 'nats-kill':
      case 'nats-term':
        return { faultClass, target: 'nats', holdMs: rng.int(2_000, 8_000) };
      case 'pg-stop':
        return { faultClass, target: 'postgres', holdMs: rng.int(2_000, 8_000) };
      case 'redis-flush':
        return { faultClass, target: 'redis', holdMs: 0 };
      case 'redis-kill':
        return { faultClass, target: 'redis', holdMs: rng.int(1_000, 4_000) };
      case 'gate-skew':
        return { faultClass, ...this.gateSkew(), holdMs: rng.int(2_000, 5_000) };
      case 'replica-kill': {
        const service = this.deal('replica-kill', SERVICE_NAMES);
        const index = rng.int(0, 1);
        return { faultClass, target: `${service} replica ${index + 1}`, index, holdMs: rng.int(500, 3_000) };
      }
      case 'nats-node-kill': {
        const index = this.deal('nats-node', [0, 1, 2]);
        return { faultClass, target: `nats-${index + 1}`, index, holdMs: rng.int(2_000, 8_000) };
      }
      case 'nats-partition': {
        const index = this.deal('nats-partition', [0, 1, 2]);
        return { faultClass, target: `nats-${index + 1}`, index, holdMs: rng.int(4_000, 9_000) };
      }
      case 'rolling-restart':
        return { faultClass, target: 'every replica', holdMs: 0 };
      case 'deadline-race':
        // Held past the charge's first deadline (5 s + 10% jitter), so that every charge of the burst times out.
        return {
          faultClass,
          target: 'payment (both replicas)',
          holdMs: rng.int(8_000, 10_000),
          burst: rng.int(12, 24),
        };
      case 'provider-notifications':
        return { faultClass, target: 'provider', ...this.notificationFaults(), holdMs: rng.int(6_000, 10_000) };
      case 'provider-kill':
        return { faultClass, target: 'provider', holdMs: rng.int(2_000, 6_000), burst: rng.int(3, 6) };
      case 'proxy-latency':
        return {
          faultClass,
          target: this.deal('latency', ['postgres-proxy', 'nats-proxy']),
          holdMs: rng.int(4_000, 8_000),
          latencyMs: rng.int(50, 400),
        };
      case 'proxy-drop':
        return {
          faultClass,
          target: this.deal('drop', ['postgres-proxy', 'nats-proxy']),
          holdMs: rng.int(3_000, 6_000),
          dropShare: rng.int(20, 60) / 100,
        };
    }
  }

  /**
   * The simulator's notification faults: one kind dealt (so that a long run leads with each),
   * each other kind switched on as well with probability 0.4. Delays of 1 to 6 s, so that some
   * notifications arrive after the payment window (8 s) of their order and others within it.
   */
  private notificationFaults(): { notificationFaults: NotificationFaults; burst: number } {
    const rng = this.rng;
    const lead = this.deal('notifications', ['duplicate', 'delay', 'reorder', 'drop'] as const);
    const on = (kind: typeof lead) => kind === lead || rng.chance(0.4);
    return {
      notificationFaults: {
        duplicate: on('duplicate') ? rng.int(50, 100) / 100 : 0,
        delayMs: on('delay') ? rng.int(1_000, 6_000) : 0,
        reorder: on('reorder') ? rng.int(40, 80) / 100 : 0,
        drop: on('drop') ? rng.int(40, 80) / 100 : 0,
      },
      burst: rng.int(4, 6),
    };
  }

  /** Two or three workload skus (dealt, so that a long run skews each), each zeroed, inflated or deleted. */
  private gateSkew(): { target: string; gateSkew: GateSkew } {
    const rng = this.rng;
    const skus: GateSkew['skus'] = [];
    for (let n = rng.int(2, 3); skus.length < n;) {
      const sku = this.deal('gate', WORKLOAD_SKUS);
      if (skus.some((s) => s.sku === sku)) continue;
      const how = rng.weighted({ zero: 2, inflate: 2, delete: 1 });
      skus.push({ sku, units: how === 'zero' ? 0 : how === 'inflate' ? rng.int(1_000, 50_000) : 'delete' });
    }
    return { target: skus.map((s) => s.sku).join(','), gateSkew: { skus, dropPromises: rng.chance(0.5) } };
  }
}
