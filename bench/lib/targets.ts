/**
 * The project's throughput targets for this 2-core machine, next to what a run measured. Reported, never
 * asserted: a missed target is a finding, not a failure of the benchmark.
 */
import type { CheckoutReport } from '../checkout/checkout.bench';
import { saleName } from '../flash/flash-sales';
import type { FlashModeReport, FlashReport } from '../flash/flash.bench';
import { percent } from './report';
import { formatTable } from './stats';

/** The sale that the targets are about: the fastest gated one if one ran, else the last. */
export function measuredMode(report: FlashReport): FlashModeReport | undefined {
  const gated = report.modes
    .filter((m) => m.gate === 'on')
    .sort((a, b) => b.run.attemptsPerSecond - a.run.attemptsPerSecond);
  return gated[0] ?? report.modes.at(-1);
}

export function targetsMarkdown(checkout?: CheckoutReport, flash?: FlashReport): string {
  const rows: string[][] = [];
  const verdict = (met: boolean | undefined) => (met === undefined ? 'not measured' : met ? 'met' : 'missed');
  if (checkout) {
    const peak = checkout.peak.saga;
    rows.push([
      'checkout: PAID/s at peak (closed loop)',
      '>= 150/s (the goal: 400/s)',
      peak === undefined ? '-' : `${peak}/s`,
      verdict(peak === undefined ? undefined : peak >= 150),
    ]);
    const cpuMs = checkout.peak.sagaCpuMs;
    rows.push([
      'checkout: CPU per PAID checkout at peak, every process',
      '<= 13 ms',
      cpuMs === undefined ? '-' : `${cpuMs} ms`,
      verdict(cpuMs === undefined ? undefined : cpuMs <= 13),
    ]);
    const open100 = checkout.levels.find((l) => l.loop === 'open' && l.mode === 'saga' && l.offeredPerSecond === 100);
    const openAny = checkout.levels.filter((l) => l.loop === 'open');
    rows.push([
      'checkout: p99 at 100/s open loop',
      '<= 100 ms',
      open100
        ? `${open100.httpMs.p99} ms (${open100.completedPerSecond} PAID/s, ${open100.errors} errors)`
        : `not run${openAny.length ? `; ${openAny.map((l) => `at ${l.offeredPerSecond}/s p99 ${l.httpMs.p99} ms`).join(', ')}` : ''}`,
      open100 ? verdict(open100.httpMs.p99 <= 100 && open100.errors === 0) : 'not measured',
    ]);
    const ratio = checkout.peak.ratio;
    rows.push([
      'checkout: durable peak / no-durability baseline peak',
      '>= 50%',
      ratio === undefined
        ? '-'
        : `${percent(ratio)} (${checkout.peak.saga}/s vs ${checkout.peak.baseline}/s); by CPU per checkout ${percent(checkout.peak.cpuRatio)}`,
      verdict(ratio === undefined ? undefined : ratio >= 0.5),
    ]);
  }
  const measured = flash && measuredMode(flash);
  if (flash && measured) {
    const { config } = flash;
    const baseline = measured.gate === 'on' ? flash.modes.find((m) => m.gate === 'off') : undefined;
    // The targets are about the platform as it is (the gated sale); the baseline is shown beside it.
    const sale = (m: FlashModeReport, figure: string) =>
      flash.modes.length > 1 || m.gate === 'off'
        ? `${figure} (${saleName(m).replace(' (baseline)', ', the baseline')})`
        : figure;
    const others = flash.modes.filter((m) => m !== measured && m !== baseline);
    const withBaseline = (figure: (m: FlashModeReport) => string) =>
      [measured, ...others, ...(baseline ? [baseline] : [])].map((m) => sale(m, figure(m))).join('; ');
    const { run, check } = measured;
    rows.push([
      'flash sale: attempts/s',
      '>= 2,000/s',
      withBaseline((m) => `${m.run.attemptsPerSecond}/s`),
      verdict(run.attemptsPerSecond >= 2000),
    ]);
    rows.push([
      `flash sale: exactly ${config.units} sold, the rest OUT_OF_STOCK, invariants hold`,
      'exactly',
      withBaseline((m) => `${m.check.sold} sold; ${m.check.violations.length} violations`),
      verdict(check.sold === config.units && check.violations.length === 0),
    ]);
    const paid = run.paidMs;
    rows.push([
      `flash sale: p99 of the ${config.units} PAID answers`,
      '< 1 s',
      withBaseline((m) => `${m.run.paidMs.p99} ms`),
      verdict(paid.count === 0 ? undefined : paid.p99 < 1000),
    ]);
  }
  return [
    '### Targets (2-core machine, everything on it)',
    '',
    formatTable(['target', 'wanted', 'measured', ''], rows),
    '',
  ].join('\n');
}
