import { planCluster } from '../../chaos/up-cluster';

describe('npm run up -- --cluster', () => {
  it('plans three NATS nodes, two replicas of each service and the balancer on GATEWAY_PORT', () => {
    const plan = planCluster(['--cluster'], { GATEWAY_PORT: '3100' });
    expect(plan.dryRun).toBe(false);
    expect(plan.gatewayPort).toBe(3100);
    expect(plan.lines.join('\n')).toEqual(
      expect.stringMatching(
        /3 nats-server nodes[\s\S]*deploy\/nats\/cluster\.conf[\s\S]*2 replicas of each service: gateway, order, inventory, coupon, payment[\s\S]*http:\/\/127\.0\.0\.1:3100/,
      ),
    );
  });

  it('puts the balancer on port 3000 when GATEWAY_PORT is not set, and only lists it with --dry-run', () => {
    const plan = planCluster(['--cluster', '--dry-run'], {});
    expect(plan).toMatchObject({ dryRun: true, gatewayPort: 3000 });
  });

  it('refuses an unknown argument and a port that is not one, with the usage', () => {
    expect(() => planCluster(['--cluster', '--replicas', '3'], {})).toThrow(/unknown argument --replicas 3\nusage:/);
    expect(() => planCluster(['--cluster'], { GATEWAY_PORT: 'http' })).toThrow(/GATEWAY_PORT must be a port number/);
    expect(() => planCluster(['--cluster'], { GATEWAY_PORT: '70000' })).toThrow(/GATEWAY_PORT/);
  });
});
