import { SagaDetail, TimelineEntry } from '../api';
import { useI18n } from '../i18n';

/** The service that carries out each step (the lanes), by the checkout and cancel sagas' step names. */
const LANES = ['order', 'inventory', 'coupon', 'payment'] as const;
type Lane = (typeof LANES)[number];

export function laneOf(stepName: string): Lane {
  const name = stepName.toLowerCase();
  if (/stock|reserv/.test(name)) return 'inventory';
  if (/coupon/.test(name)) return 'coupon';
  if (/charge|wallet|refund|pay/.test(name)) return 'payment';
  return 'order';
}

const REPLY = new Set(['succeeded', 'failed', 'timed-out']);

interface Bar {
  entry: TimelineEntry;
  reply?: TimelineEntry;
  from: number;
  to: number;
}

function durationText(ms: number): string {
  return ms < 1000 ? `${Math.max(0, Math.round(ms))} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/**
 * One saga as a picture: a lane per service, the orchestrator (order) on top; each attempt of a
 * step is a bar on its service's lane from the command to its reply (green done, red refused,
 * amber timed out; compensations dashed), with arrows for the command and the reply, the
 * attempt number and the duration; parking, re-driving and the end are marks on the order lane.
 * Events are placed in order, one column each, so that a 3 ms step and a 20 s retry both show.
 */
export function Timeline({ saga }: { saga: SagaDetail }) {
  const { t } = useI18n();
  const entries = saga.timeline;
  const col = 74;
  const laneH = 64;
  const left = 92;
  const top = 24;
  const width = left + Math.max(entries.length, 4) * col + 40;
  const height = top + LANES.length * laneH + 30;
  const x = (i: number) => left + i * col + col / 2;
  const laneY = (lane: Lane) => top + LANES.indexOf(lane) * laneH + laneH / 2;
  const bars: Bar[] = [];
  const marks: { i: number; entry: TimelineEntry }[] = [];
  entries.forEach((entry, i) => {
    if (entry.outcome === 'dispatched') {
      const j = entries.findIndex(
        (e, k) =>
          k > i &&
          e.step === entry.step &&
          e.phase === entry.phase &&
          e.attempt === entry.attempt &&
          (REPLY.has(e.outcome) || e.outcome === 'parked'),
      );
      bars.push({ entry, reply: j >= 0 ? entries[j] : undefined, from: i, to: j >= 0 ? j : entries.length - 1 });
    } else if (!REPLY.has(entry.outcome)) marks.push({ i, entry });
  });
  const t0 = entries.length ? Date.parse(entries[0].at) : 0;
  const total = entries.length ? Date.parse(entries[entries.length - 1].at) - t0 : 0;
  const summary = `${saga.type} ${saga.status}: ${entries.length} events over ${durationText(total)}`;
  return (
    <figure className="timeline">
      <div className="svg-wrap">
        <svg
          viewBox={`0 0 ${width} ${height}`}
          width={width}
          height={height}
          role="img"
          aria-labelledby="timeline-title timeline-desc"
          data-testid="timeline"
        >
          <title id="timeline-title">{t('timeline')}</title>
          <desc id="timeline-desc">{summary}</desc>
          <defs>
            <marker
              id="arrow"
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="6"
              markerHeight="6"
              orient="auto-start-reverse"
            >
              <path d="M0,0 L10,5 L0,10 z" fill="#555" />
            </marker>
          </defs>
          {LANES.map((lane) => (
            <g key={lane}>
              <line x1={left} x2={width - 10} y1={laneY(lane)} y2={laneY(lane)} stroke="#ccc" strokeDasharray="4 4" />
              <text x={8} y={laneY(lane) + 4} className="lane-label">
                {lane}
              </text>
            </g>
          ))}
          {bars.map(({ entry, reply, from, to }) => {
            const lane = laneOf(entry.stepName);
            const y = laneY(lane);
            const x1 = x(from) - 10;
            const x2 = Math.max(x(to) + 10, x1 + 24);
            const outcome = reply?.outcome ?? 'pending';
            const ms = reply ? Date.parse(reply.at) - Date.parse(entry.at) : undefined;
            const label = `${entry.phase === 'compensation' ? '↺ ' : ''}${entry.stepName} #${entry.attempt}`;
            return (
              <g
                key={`${entry.step}-${entry.phase}-${entry.attempt}-${from}`}
                className={`bar o-${outcome} p-${entry.phase}`}
                data-step={entry.stepName}
              >
                <title>{`${label}: ${outcome}${reply?.reason ? ` (${reply.reason})` : ''}${ms !== undefined ? `, ${durationText(ms)}` : ''}`}</title>
                {lane !== 'order' && (
                  <>
                    <line
                      x1={x(from)}
                      x2={x(from)}
                      y1={laneY('order') + 6}
                      y2={y - 10}
                      stroke="#555"
                      markerEnd="url(#arrow)"
                    />
                    {reply && (
                      <line
                        x1={x(to)}
                        x2={x(to)}
                        y1={y - 10}
                        y2={laneY('order') + 6}
                        stroke="#555"
                        strokeDasharray="3 2"
                        markerEnd="url(#arrow)"
                      />
                    )}
                  </>
                )}
                <rect x={x1} y={y - 10} width={x2 - x1} height={20} rx={4} />
                <text x={x1} y={y - 14} className="bar-label">
                  {label}
                </text>
                <text x={x1} y={y + 24} className="bar-time">
                  {outcome}
                  {reply?.reason ? ` ${reply.reason}` : ''}
                  {ms !== undefined ? ` · ${durationText(ms)}` : ''}
                </text>
              </g>
            );
          })}
          {marks.map(({ i, entry }) => (
            <g key={`m${i}`} className={`mark m-${entry.outcome}`}>
              <title>{`${entry.outcome} ${entry.stepName}${entry.reason ? `: ${entry.reason}` : ''}`}</title>
              <circle cx={x(i)} cy={laneY('order')} r={7} />
              <text x={x(i)} y={laneY('order') - 12} textAnchor="middle" className="bar-label">
                {entry.outcome}
              </text>
            </g>
          ))}
          <text x={left} y={height - 8} className="bar-time">
            {summary}
          </text>
        </svg>
      </div>
      <figcaption className="muted">{summary}</figcaption>
    </figure>
  );
}
