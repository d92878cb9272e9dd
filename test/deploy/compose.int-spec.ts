/**
 * Keeps docker-compose.yml, deploy/Dockerfile and deploy/postgres/init-databases.sql honest
 * against .env.example and the apps/ directory. There is no Docker engine in CI, so these
 * checks read the files: they catch the drift that would only show up as a container that
 * refuses to boot, or a stack that waits forever for a dependency.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { PROVIDER_WEBHOOK_PATH } from '../../apps/gateway/src/payments/provider-webhook.controller';
import {
  APP_SERVICES,
  natsServerVariables,
  OUTSIDE_SYSTEMS,
  readEnvExample,
  variablesReadBy,
  variablesReadByOutsideSystem,
} from './env-example';

const ROOT = resolve(__dirname, '..', '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** Prefixes of the variables this project defines (as opposed to NODE_ENV, POSTGRES_* ...). */
const PROJECT_PREFIXES = [
  'GATEWAY_',
  'ORDER_',
  'INVENTORY_',
  'COUPON_',
  'PAYMENT_',
  'PROVIDER_',
  'NATS_',
  'REDIS_',
  'LOG_',
  'SHUTDOWN_',
  'JWT_',
  'OPERATOR_',
  'TRUSTED_',
  'CORS_',
  'BODY_',
  'LOGIN_',
];

// ---- docker-compose.yml ----------------------------------------------------------------

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; args?: unknown };
  command?: string | string[];
  environment?: unknown;
  ports?: Array<string | number | { target?: number | string; published?: number | string }>;
  volumes?: Array<string | { type?: string; source?: string; target?: string }>;
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
}

interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

function readCompose(): ComposeFile {
  // merge: true resolves the `<<: *anchor` keys the file uses to share settings.
  const compose = parse(read('docker-compose.yml'), { merge: true }) as ComposeFile;
  if (!compose?.services) throw new Error('docker-compose.yml has no services');
  return compose;
}

/** `environment` and `build.args` come as a map or as a list of KEY=value. */
function keyValues(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (Array.isArray(value)) {
    return Object.fromEntries(
      value.map((entry: string) => {
        const equals = entry.indexOf('=');
        return equals < 0 ? [entry, ''] : [entry.slice(0, equals), entry.slice(equals + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, v]) => [key, v === null ? '' : String(v)]),
  );
}

function dependenciesOf(service: ComposeService): Record<string, string> {
  const dependsOn = service.depends_on ?? {};
  if (Array.isArray(dependsOn)) return Object.fromEntries(dependsOn.map((name) => [name, 'service_started']));
  return Object.fromEntries(
    Object.entries(dependsOn).map(([name, options]) => [name, options?.condition ?? 'service_started']),
  );
}

/** Each `ports` entry as host and container port (short "[ip:]host:container[/proto]" or long form). */
function portMappings(service: ComposeService): Array<{ host?: string; container: string }> {
  return (service.ports ?? []).map((entry) => {
    if (typeof entry === 'object') {
      return { host: entry.published?.toString(), container: String(entry.target) };
    }
    const parts = String(entry)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    return { host: parts.length > 1 ? parts[parts.length - 2] : undefined, container: parts[parts.length - 1] };
  });
}

function volumeMounts(service: ComposeService): Array<{ source?: string; target: string; readOnly: boolean }> {
  return (service.volumes ?? []).map((entry) => {
    if (typeof entry === 'object') {
      const readOnly = (entry as { read_only?: boolean }).read_only === true;
      return { source: entry.source, target: entry.target ?? '', readOnly };
    }
    const parts = entry.split(':');
    return parts.length === 1
      ? { target: parts[0], readOnly: false }
      : { source: parts[0], target: parts[1], readOnly: (parts[2] ?? '').split(',').includes('ro') };
  });
}

/** A bind mount's source is a path (./deploy/...); anything else names a volume. */
const isBind = (source: string | undefined): source is string => !!source && /^[./~]/.test(source);

/** Where a path inside a service's container comes from on the host, through its bind mounts. */
function hostPath(service: ComposeService, containerPath: string): string | undefined {
  const mount = volumeMounts(service)
    .filter((m) => isBind(m.source))
    .filter((m) => containerPath === m.target || containerPath.startsWith(`${m.target.replace(/\/$/, '')}/`))
    .sort((a, b) => b.target.length - a.target.length)[0];
  return mount && join(resolve(ROOT, mount.source ?? ''), containerPath.slice(mount.target.length));
}

function commandWords(command: string | string[] | undefined): string[] {
  if (command === undefined) return [];
  return Array.isArray(command) ? command.map(String) : command.trim().split(/\s+/);
}

function healthcheckText(service: ComposeService): string {
  const test = service.healthcheck?.test;
  return Array.isArray(test) ? test.join(' ') : (test ?? '');
}

function urlsIn(text: string): URL[] {
  return (text.match(/https?:\/\/[^\s'"`,)]+/g) ?? []).map((url) => new URL(url));
}

function databasesCreatedByInitSql(): Set<string> {
  const sql = read('deploy/postgres/init-databases.sql').replace(/--.*$/gm, '');
  return new Set([...sql.matchAll(/CREATE\s+DATABASE\s+"?([A-Za-z0-9_]+)"?/gi)].map((match) => match[1]));
}

// ---- the tests -------------------------------------------------------------------------

const example = readEnvExample();
const exampleNames = new Set(example.map((variable) => variable.name));
const compose = readCompose();
const services = compose.services;
const environments = Object.fromEntries(
  Object.entries(services).map(([name, service]) => [name, keyValues(service.environment)]),
);

describe('the .env.example reader used by these tests', () => {
  it('finds the shared, port, database and gateway variables', () => {
    // Guards the helper itself: if the headings of .env.example change shape, the checks
    // below must not silently pass on empty lists.
    expect(variablesReadBy('gateway', example)).toEqual(
      expect.arrayContaining(['NATS_URL', 'NATS_PREFIX', 'LOG_LEVEL', 'GATEWAY_PORT', 'REDIS_URL']),
    );
    expect(variablesReadBy('order', example)).toEqual(
      expect.arrayContaining(['NATS_URL', 'ORDER_PORT', 'ORDER_DATABASE_URL']),
    );
    expect(variablesReadBy('order', example)).not.toContain('REDIS_URL');
    expect(variablesReadBy('order', example)).not.toContain('INVENTORY_DATABASE_URL');
    expect(variablesReadBy('gateway', example)).not.toContain('ORDER_PORT');
  });

  it('assigns every variable of .env.example to at least one service, or to the NATS server', () => {
    // A variable under a new heading (say `# --- auth ---`) would otherwise be required of no
    // service; put it under `shared` or a service's heading, or name it after the service.
    const readBySomeone = new Set([
      ...APP_SERVICES.flatMap((service) => variablesReadBy(service, example)),
      ...OUTSIDE_SYSTEMS.flatMap((system) => variablesReadByOutsideSystem(system, example)),
      ...natsServerVariables(),
    ]);
    expect([...exampleNames].filter((name) => !readBySomeone.has(name))).toEqual([]);
  });
});

describe('docker-compose.yml', () => {
  it('defines a service for each of the five processes', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining([...APP_SERVICES]));
  });

  it('defines a service for every process under apps/ (apps/web is pages the gateway serves)', () => {
    const apps = readdirSync(join(ROOT, 'apps')).filter((entry) =>
      existsSync(join(ROOT, 'apps', entry, 'src', 'main.ts')),
    );
    expect(apps).not.toContain('web');
    expect(apps.length).toBeGreaterThan(0);
    expect(apps.filter((app) => !(app in services))).toEqual([]);
  });

  it.each(APP_SERVICES)(
    'builds %s from deploy/Dockerfile at the repository root with SERVICE set to its name',
    (name) => {
      const build = services[name].build;
      expect(typeof build).toBe('object');
      if (typeof build !== 'object') return;
      const context = resolve(ROOT, build.context ?? '.');
      expect(context).toBe(ROOT);
      expect(resolve(context, build.dockerfile ?? 'Dockerfile')).toBe(join(ROOT, 'deploy', 'Dockerfile'));
      expect(keyValues(build.args).SERVICE).toBe(name);
      // The image runs dist/apps/<SERVICE>/src/main.js, which the build compiles from here.
      expect(existsSync(join(ROOT, 'apps', name, 'src', 'main.ts'))).toBe(true);
    },
  );

  it.each(APP_SERVICES)('gives %s every variable it reads according to .env.example', (name) => {
    const required = variablesReadBy(name, example);
    expect(required).toContain(`${name.toUpperCase()}_PORT`);
    expect(required.filter((variable) => !(variable in environments[name]))).toEqual([]);
  });

  it('names no project variable that .env.example does not list', () => {
    const stale = Object.entries(environments).flatMap(([service, environment]) =>
      Object.keys(environment)
        .filter((variable) => PROJECT_PREFIXES.some((prefix) => variable.startsWith(prefix)))
        .filter((variable) => !exampleNames.has(variable))
        .map((variable) => `${service}: ${variable}`),
    );
    expect(stale).toEqual([]);
  });

  it.each(APP_SERVICES)('publishes %s on its <SERVICE>_PORT and health-checks /health/ready there', (name) => {
    const port = environments[name][`${name.toUpperCase()}_PORT`];
    expect(port).toMatch(/^\d+$/);
    expect(portMappings(services[name])).toEqual([{ host: port, container: port }]);

    expect(services[name].healthcheck?.disable).not.toBe(true);
    const urls = urlsIn(healthcheckText(services[name]));
    expect(urls.map((url) => url.pathname)).toContain('/health/ready');
    expect(urls.map((url) => url.port)).toEqual(urls.map(() => port));
    expect(urls.map((url) => url.hostname)).toEqual(urls.map(() => '127.0.0.1'));
  });

  it('points every database URL at the postgres service and a database the init SQL creates', () => {
    const created = databasesCreatedByInitSql();
    expect(created.size).toBeGreaterThan(0);
    expect(services.postgres).toBeDefined();

    const urls = Object.entries(environments).flatMap(([service, environment]) =>
      Object.entries(environment)
        .filter(([variable]) => variable.endsWith('_DATABASE_URL'))
        .map(([variable, value]) => ({ service, variable, url: new URL(value) })),
    );
    expect(urls.length).toBeGreaterThanOrEqual(APP_SERVICES.length - 1);
    for (const { service, variable, url } of urls) {
      const where = `${service} ${variable}`;
      expect([where, url.protocol]).toEqual([where, 'postgres:']);
      expect([where, url.hostname]).toEqual([where, 'postgres']);
      expect([where, created.has(url.pathname.slice(1))]).toEqual([where, true]);
    }
  });

  it("points each database URL at the same database as .env.example does (no service uses another's)", () => {
    const expected = Object.fromEntries(
      example
        .filter((variable) => variable.name.endsWith('_DATABASE_URL'))
        .map((variable) => [variable.name, new URL(variable.value).pathname]),
    );
    for (const [service, environment] of Object.entries(environments)) {
      for (const [variable, value] of Object.entries(environment)) {
        if (!variable.endsWith('_DATABASE_URL')) continue;
        expect([service, variable, new URL(value).pathname]).toEqual([service, variable, expected[variable]]);
      }
    }
  });

  it('runs the init SQL in postgres at first start', () => {
    const mounts = volumeMounts(services.postgres);
    const init = mounts.find((mount) => mount.target.startsWith('/docker-entrypoint-initdb.d'));
    expect(init?.source).toBeDefined();
    const source = resolve(ROOT, init?.source ?? '');
    expect([join(ROOT, 'deploy', 'postgres'), join(ROOT, 'deploy', 'postgres', 'init-databases.sql')]).toContain(
      source,
    );
  });

  it('migrates every database of .env.example, with the same URLs the services use, before they start', () => {
    const migrate = services.migrate;
    expect(migrate).toBeDefined();
    expect(commandWords(migrate.command).join(' ')).toContain('dist/scripts/migrate.js');
    expect(dependenciesOf(migrate).postgres).toBe('service_healthy');

    const databaseVariables = example.filter((variable) => variable.name.endsWith('_DATABASE_URL')).map((v) => v.name);
    for (const variable of databaseVariables) {
      const users = Object.entries(environments).filter(([service, env]) => service !== 'migrate' && variable in env);
      for (const [service, environment] of users) {
        expect([service, variable, environments.migrate[variable]]).toEqual([service, variable, environment[variable]]);
      }
      expect([variable, variable in environments.migrate]).toEqual([variable, true]);
    }
  });

  it('points NATS_URL at the nats service and REDIS_URL at the redis service', () => {
    for (const [service, environment] of Object.entries(environments)) {
      if ('NATS_URL' in environment) {
        const url = new URL(environment.NATS_URL);
        expect([service, url.protocol, url.hostname]).toEqual([service, 'nats:', 'nats']);
      }
      if ('REDIS_URL' in environment) {
        const url = new URL(environment.REDIS_URL);
        expect([service, url.protocol, url.hostname]).toEqual([service, 'redis:', 'redis']);
      }
    }
    expect(services.nats).toBeDefined();
    expect(services.redis).toBeDefined();
  });

  it('has depends_on name only services that exist', () => {
    const missing = Object.entries(services).flatMap(([name, service]) =>
      Object.keys(dependenciesOf(service))
        .filter((target) => !(target in services))
        .map((target) => `${name} -> ${target}`),
    );
    expect(missing).toEqual([]);
  });

  it('gives a health check to every service that another waits to be healthy', () => {
    // Without one, `service_healthy` can never be met and the dependent never starts.
    const awaited = new Set(
      Object.values(services).flatMap((service) =>
        Object.entries(dependenciesOf(service))
          .filter(([, condition]) => condition === 'service_healthy')
          .map(([target]) => target),
      ),
    );
    const unchecked = [...awaited].filter(
      (name) => !services[name]?.healthcheck?.test || services[name].healthcheck?.disable === true,
    );
    expect(unchecked).toEqual([]);
  });

  it.each(APP_SERVICES)('starts %s only once the servers it uses are healthy and migrations have run', (name) => {
    const environment = environments[name];
    const expected: Record<string, string> = {};
    if ('NATS_URL' in environment) expected.nats = 'service_healthy';
    if ('REDIS_URL' in environment) expected.redis = 'service_healthy';
    if (Object.keys(environment).some((variable) => variable.endsWith('_DATABASE_URL'))) {
      expected.postgres = 'service_healthy';
      expected.migrate = 'service_completed_successfully';
    }
    // Every process talks over NATS; the gateway also needs Redis, the others a database.
    expect(Object.keys(expected)).toEqual(
      expect.arrayContaining(name === 'gateway' ? ['nats', 'redis'] : ['nats', 'postgres', 'migrate']),
    );
    expect(dependenciesOf(services[name])).toMatchObject(expected);
  });

  it("runs NATS with the platform's server configuration, mounted from deploy/nats", () => {
    const words = commandWords(services.nats.command);
    const flag = words.findIndex((word) => word === '-c' || word === '--config');
    const file = words[flag + 1] ?? '';
    const mount = volumeMounts(services.nats).find((candidate) => file.startsWith(`${candidate.target}/`));
    expect(mount).toBeDefined();
    expect(resolve(ROOT, mount?.source ?? '')).toBe(join(ROOT, 'deploy', 'nats'));
    expect(existsSync(join(ROOT, 'deploy', 'nats', file.slice((mount?.target.length ?? 0) + 1)))).toBe(true);
  });

  it('gives the NATS server every password of its users, and each service its own one only', () => {
    const passwords = natsServerVariables();
    expect(passwords).toHaveLength(APP_SERVICES.length + 1);
    expect(passwords.filter((variable) => !(variable in environments.nats))).toEqual([]);
    for (const service of APP_SERVICES) {
      const own = Object.keys(environments[service]).filter((variable) => variable.endsWith('NATS_PASSWORD'));
      expect([service, own]).toEqual([service, [`${service.toUpperCase()}_NATS_PASSWORD`]]);
      expect(environments[service][own[0]]).toBe(environments.nats[own[0]]);
    }
  });

  it('runs NATS with JetStream and its store directory on a named volume', () => {
    const nats = services.nats;
    const words = commandWords(nats.command);
    expect(words.some((word) => word === '-js' || word === '--jetstream')).toBe(true);

    const flag = words.findIndex((word) => word === '-sd' || word === '--store_dir');
    const storeDir = flag >= 0 ? words[flag + 1] : words.find((word) => word.startsWith('--store_dir='))?.split('=')[1];
    expect(storeDir).toMatch(/^\//);

    const mount = volumeMounts(nats).find(
      (volume) => storeDir === volume.target || storeDir?.startsWith(`${volume.target.replace(/\/$/, '')}/`),
    );
    expect(mount?.source).toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(mount?.source);
  });
});

describe('docker-compose.yml: the payment provider simulator', () => {
  const provider = services.provider;
  const providerPort = environments.provider?.PROVIDER_PORT;

  it('builds provider from deploy/Dockerfile with SERVICE=provider, whose entry point exists', () => {
    const build = provider.build;
    expect(typeof build).toBe('object');
    if (typeof build !== 'object') return;
    expect(resolve(ROOT, build.context ?? '.')).toBe(ROOT);
    expect(resolve(ROOT, build.dockerfile ?? 'Dockerfile')).toBe(join(ROOT, 'deploy', 'Dockerfile'));
    expect(keyValues(build.args).SERVICE).toBe('provider');
    expect(existsSync(join(ROOT, 'apps', 'provider', 'src', 'main.ts'))).toBe(true);
  });

  it('gives provider every variable of its own in .env.example, and nothing of NATS (it has no NATS user)', () => {
    const required = variablesReadByOutsideSystem('provider', example);
    expect(required).toEqual(expect.arrayContaining(['PROVIDER_PORT', 'PROVIDER_DATABASE_URL']));
    expect(required.filter((variable) => !(variable in environments.provider))).toEqual([]);
    expect(Object.keys(environments.provider).filter((variable) => variable.startsWith('NATS_'))).toEqual([]);
  });

  it('publishes provider on PROVIDER_PORT, health-checks /health/ready there, and pay URLs name that port', () => {
    expect(providerPort).toMatch(/^\d+$/);
    expect(portMappings(provider)).toEqual([{ host: providerPort, container: providerPort }]);
    const urls = urlsIn(healthcheckText(provider));
    expect(urls.map((url) => `${url.hostname}:${url.port}${url.pathname}`)).toEqual([
      `127.0.0.1:${providerPort}/health/ready`,
    ]);
    // The customer's browser opens the payUrl, so it is the published port on the host.
    expect(new URL(environments.provider.PROVIDER_PUBLIC_URL.replace(/^\$\{[A-Z_]+:-(.*)\}$/, '$1')).port).toBe(
      providerPort,
    );
  });

  it('starts provider once postgres is healthy and its database is migrated', () => {
    expect(dependenciesOf(provider)).toMatchObject({
      postgres: 'service_healthy',
      migrate: 'service_completed_successfully',
    });
  });

  it("points payment at the provider service, with the provider's key and secret", () => {
    const payment = environments.payment;
    const url = new URL(payment.PAYMENT_PROVIDER_URL);
    expect([url.hostname, url.port]).toEqual(['provider', providerPort]);
    expect(payment.PAYMENT_PROVIDER_API_KEY).toBe(environments.provider.PROVIDER_MERCHANT_API_KEY);
    expect(payment.PAYMENT_PROVIDER_NOTIFY_SECRET).toBe(environments.provider.PROVIDER_NOTIFY_SECRET);
  });

  it("has the provider notify the gateway's webhook route on the gateway service", () => {
    const notify = new URL(environments.payment.PAYMENT_PROVIDER_NOTIFY_URL);
    expect([notify.hostname, notify.port, notify.pathname]).toEqual([
      'gateway',
      environments.gateway.GATEWAY_PORT,
      PROVIDER_WEBHOOK_PATH,
    ]);
  });
});

describe('docker-compose.yml: Prometheus, Grafana and Jaeger', () => {
  const prometheus = services.prometheus;
  const grafana = services.grafana;
  const jaeger = services.jaeger;
  const metricsPort = (service: string) =>
    environments[service][service === 'gateway' ? 'GATEWAY_INTERNAL_PORT' : `${service.toUpperCase()}_PORT`];

  it('defines the three, from pinned images', () => {
    expect(prometheus?.image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
    expect(grafana?.image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
    expect(jaeger?.image).toMatch(/^jaegertracing\/all-in-one:\d+\.\d+\.\d+$/);
  });

  it('mounts, in every service, files and directories that exist, and declares every named volume', () => {
    const problems = Object.entries(services).flatMap(([name, service]) =>
      volumeMounts(service).flatMap(({ source, target }) => {
        if (isBind(source)) return existsSync(resolve(ROOT, source)) ? [] : [`${name}: no ${source}`];
        if (source && !(source in (compose.volumes ?? {}))) return [`${name}: undeclared volume ${source}`];
        return target.startsWith('/') ? [] : [`${name}: relative target ${target}`];
      }),
    );
    expect(problems).toEqual([]);
  });

  it('mounts the provisioning files of deploy/ read-only', () => {
    const binds = [prometheus, grafana].flatMap((service) => volumeMounts(service).filter((m) => isBind(m.source)));
    expect(binds.length).toBeGreaterThanOrEqual(4);
    expect(binds.filter((m) => !m.readOnly).map((m) => m.source)).toEqual([]);
    for (const { source } of binds) expect(resolve(ROOT, source ?? '')).toMatch(/\/deploy\/(prometheus|grafana)(\/|$)/);
  });

  it('runs Prometheus with deploy/prometheus/prometheus.yml, whose rule files are mounted', () => {
    const words = commandWords(prometheus.command);
    const configPath = words.find((word) => word.startsWith('--config.file='))?.split('=')[1] ?? '';
    expect(hostPath(prometheus, configPath)).toBe(join(ROOT, 'deploy', 'prometheus', 'prometheus.yml'));
    const config = parse(read('deploy/prometheus/prometheus.yml')) as { rule_files?: string[] };
    expect(config.rule_files?.length).toBeGreaterThan(0);
    for (const file of config.rule_files ?? []) {
      const host = hostPath(prometheus, file);
      expect([file, host !== undefined && existsSync(host)]).toEqual([file, true]);
    }
    expect(config.rule_files?.map((file) => hostPath(prometheus, file))).toContain(
      join(ROOT, 'deploy', 'prometheus', 'alerts.yml'),
    );
  });

  it('scrapes each of the five services once, as a job named after it, on the port that serves /metrics', () => {
    const config = parse(read('deploy/prometheus/prometheus.yml')) as {
      scrape_configs: Array<{ job_name: string; metrics_path?: string; static_configs?: Array<{ targets: string[] }> }>;
    };
    const jobs = Object.fromEntries(
      config.scrape_configs.map((job) => [job.job_name, job.static_configs?.flatMap((c) => c.targets) ?? []]),
    );
    expect(Object.keys(jobs).sort()).toEqual([...APP_SERVICES].sort());
    for (const service of APP_SERVICES) {
      expect([service, jobs[service]]).toEqual([service, [`${service}:${metricsPort(service)}`]]);
    }
    expect(config.scrape_configs.every((job) => (job.metrics_path ?? '/metrics') === '/metrics')).toBe(true);
    // The gateway's /metrics is on its internal port, which is never published.
    const gatewayPorts = portMappings(services.gateway).map((mapping) => mapping.container);
    expect(gatewayPorts).not.toContain(metricsPort('gateway'));
  });

  it('provisions Grafana with the data sources and dashboards of deploy/grafana, pointed at compose services', () => {
    const provisioning = hostPath(grafana, '/etc/grafana/provisioning');
    expect(provisioning).toBe(join(ROOT, 'deploy', 'grafana', 'provisioning'));

    const datasources = readdirSync(join(provisioning ?? '', 'datasources')).flatMap(
      (file) =>
        (
          parse(readFileSync(join(provisioning ?? '', 'datasources', file), 'utf8')) as {
            datasources: Array<{ type: string; url: string }>;
          }
        ).datasources,
    );
    expect(datasources.map((d) => d.type).sort()).toEqual(['jaeger', 'prometheus']);
    const listens: Record<string, string> = { prometheus: '9090', jaeger: '16686' };
    for (const { type, url } of datasources) {
      const address = new URL(url);
      expect([type, address.hostname, address.port]).toEqual([type, type, listens[type]]);
      expect(portMappings(services[type]).map((mapping) => mapping.container)).toContain(listens[type]);
    }

    const providers = readdirSync(join(provisioning ?? '', 'dashboards')).flatMap(
      (file) =>
        (
          parse(readFileSync(join(provisioning ?? '', 'dashboards', file), 'utf8')) as {
            providers: Array<{ options: { path: string } }>;
          }
        ).providers,
    );
    expect(providers.length).toBeGreaterThan(0);
    for (const provider of providers) {
      expect(hostPath(grafana, provider.options.path)).toBe(join(ROOT, 'deploy', 'grafana', 'dashboards'));
    }
    const home = environments.grafana.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH;
    expect(existsSync(hostPath(grafana, home) ?? '')).toBe(true);
    expect(dependenciesOf(grafana).prometheus).toBe('service_healthy');
  });

  it('runs Jaeger with its OTLP/HTTP receiver on 4318 and its UI on 16686, on the loopback address', () => {
    expect(environments.jaeger.COLLECTOR_OTLP_ENABLED).toBe('true');
    const mappings = portMappings(jaeger);
    expect(mappings).toEqual(
      expect.arrayContaining([
        { host: '4318', container: '4318' },
        { host: '16686', container: '16686' },
      ]),
    );
    for (const entry of [...(jaeger.ports ?? []), ...(prometheus.ports ?? []), ...(grafana.ports ?? [])]) {
      expect(String(entry)).toMatch(/^127\.0\.0\.1:/);
    }
  });
});

describe('deploy/Dockerfile', () => {
  const dockerfile = existsSync(join(ROOT, 'deploy', 'Dockerfile')) ? read('deploy/Dockerfile') : '';
  // An ARG is visible only in the stage that declares it, so SERVICE must be in the last one.
  const stages = dockerfile.split(/^FROM\s/im);
  const runtime = stages[stages.length - 1];

  it('exists', () => {
    expect(dockerfile).not.toBe('');
  });

  it('declares ARG SERVICE in the runtime stage and keeps it as ENV SERVICE', () => {
    expect(stages.length).toBeGreaterThan(2);
    expect(runtime).toMatch(/^ARG\s+SERVICE\s*$/m);
    expect(runtime).toMatch(/^ENV\s+SERVICE[=\s]/m);
  });

  it("runs dist/apps/<SERVICE>/src/main.js as a non-root user, with node in the shell's place", () => {
    const user = /^USER\s+(\S+)/m.exec(runtime)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    const cmd = /^CMD\s+(.+)$/m.exec(runtime)?.[1] ?? '';
    expect(cmd).toMatch(/dist\/apps\/\$\{?SERVICE\b.*\/src\/main\.js/);
    expect(cmd).toMatch(/exec node\b|^\["node"/);
  });

  it('health-checks /health/ready', () => {
    expect(runtime).toMatch(/^HEALTHCHECK\s[\s\S]*\/health\/ready/m);
  });

  it('leaves host node_modules and dist out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim().replace(/^\/|\/$/g, ''));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist']));
  });
});
