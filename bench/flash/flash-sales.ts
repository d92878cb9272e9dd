/** The sales a flash benchmark runs: the gate off or on, behind how many gateways. */

/** FLASH_SALE_GATE of the gateway: `off` is the baseline (every attempt to the order service). */
export type GateMode = 'off' | 'on';
export const GATE_MODES: readonly GateMode[] = ['off', 'on'];

/** One sale: the gate off or on, behind one gateway or several (replicas sharing Redis, as deployed). */
export interface FlashSale {
  gate: GateMode;
  gateways: number;
}

/** `off`, `on`, `on*2` (the gate on, two gateway replicas, the load spread over both). */
export function parseSale(spec: string): FlashSale {
  const [gate, replicas = '1'] = spec.split('*');
  const gateways = Number(replicas);
  if (!GATE_MODES.includes(gate as GateMode) || !Number.isInteger(gateways) || gateways < 1) {
    throw new Error(`BENCH_FLASH_MODES: ${spec} is none of off, on, on*<gateways>`);
  }
  return { gate: gate as GateMode, gateways };
}

export function saleName({ gate, gateways }: FlashSale): string {
  if (gate === 'off') return `gate off (baseline)${gateways > 1 ? `, ${gateways} gateways` : ''}`;
  return `gate on${gateways > 1 ? `, ${gateways} gateways` : ''}`;
}
