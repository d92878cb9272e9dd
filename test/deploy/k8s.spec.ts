/**
 * Keeps the kustomize base and overlays under deploy/k8s honest against .env.example, the
 * ports the services listen on and their health routes. No cluster (nor kustomize) runs in CI:
 * this file builds each overlay itself, as far as these manifests use kustomize (resources,
 * directories as bases, configMapGenerator/secretGenerator with envs, files (`key=path` too) and
 * literals, JSON 6902 patches with a target, images, namespace, RoleBinding subjects of the
 * default namespace), and checks the result, down to who may reach whom through its NetworkPolicies.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { DEFAULT_INTERNAL_PORT, DEFAULT_PORTS } from '../../libs/platform/src/config/service-config';
import {
  APP_SERVICES,
  natsServerVariables,
  OUTSIDE_SYSTEMS,
  readEnvExample,
  variablesReadBy,
  variablesReadByOutsideSystem,
} from './env-example';
import type { AppService } from './env-example';

const ROOT = resolve(__dirname, '..', '..');
const K8S = join(ROOT, 'deploy', 'k8s');
/** The variables that must come from a Secret, never from a ConfigMap. */
const SECRET_VARIABLES = [
  'JWT_SECRET',
  'OPERATOR_PASSWORD',
  'ORDER_DATABASE_URL',
  'INVENTORY_DATABASE_URL',
  'COUPON_DATABASE_URL',
  'PAYMENT_DATABASE_URL',
  ...APP_SERVICES.map((service) => `${service.toUpperCase()}_NATS_PASSWORD`),
  'NATS_ADMIN_PASSWORD',
];
const SECRET_NAME = 'zhongtai-secrets';

// ---- a small kustomize ---------------------------------------------------------------------

/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects are checked field by field */
type Resource = Record<string, any>;

interface Generator {
  name: string;
  behavior?: 'create' | 'merge' | 'replace';
  envs?: string[];
  literals?: string[];
  files?: string[];
}

interface Kustomization {
  namespace?: string;
  resources?: string[];
  configMapGenerator?: Generator[];
  secretGenerator?: Generator[];
  patches?: Array<{ path?: string; patch?: string; target?: { kind?: string; name?: string; labelSelector?: string } }>;
  images?: Array<{ name: string; newName?: string; newTag?: string }>;
}

interface Build {
  resources: Resource[];
  /** Every file the build read, relative to deploy/k8s. */
  files: Set<string>;
  /** Everything wrong with the kustomization itself (a listed file that does not exist...). */
  problems: string[];
}

function envFile(path: string): Record<string, string> {
  const data: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const equals = trimmed.indexOf('=');
    data[trimmed.slice(0, equals)] = trimmed.slice(equals + 1);
  }
  return data;
}

function generate(dir: string, generator: Generator, build: Build): Record<string, string> {
  const data: Record<string, string> = {};
  for (const file of generator.envs ?? []) {
    const path = join(dir, file);
    build.files.add(relative(K8S, path));
    if (!existsSync(path)) build.problems.push(`${relative(K8S, dir)}: no such env file ${file}`);
    else Object.assign(data, envFile(path));
  }
  for (const literal of generator.literals ?? []) {
    const equals = literal.indexOf('=');
    data[literal.slice(0, equals)] = literal.slice(equals + 1);
  }
  for (const entry of generator.files ?? []) {
    // `key=path` names the key; a plain path is keyed by its file name.
    const equals = entry.indexOf('=');
    const file = equals < 0 ? entry : entry.slice(equals + 1);
    const path = join(dir, file);
    build.files.add(relative(K8S, path));
    if (!existsSync(path)) build.problems.push(`${relative(K8S, dir)}: no such file ${file}`);
    else data[equals < 0 ? basename(file) : entry.slice(0, equals)] = readFileSync(path, 'utf8');
  }
  return data;
}

function matchesTarget(resource: Resource, target: NonNullable<Kustomization['patches']>[number]['target']): boolean {
  if (!target) return false;
  if (target.kind && resource.kind !== target.kind) return false;
  if (target.name && resource.metadata?.name !== target.name) return false;
  for (const pair of target.labelSelector ? target.labelSelector.split(',') : []) {
    const [key, value] = pair.split('=');
    if (resource.metadata?.labels?.[key.trim()] !== value.trim()) return false;
  }
  return true;
}

function applyJsonPatch(resource: Resource, operations: Array<{ op: string; path: string; value?: unknown }>): void {
  for (const { op, path, value } of operations) {
    const keys = path
      .split('/')
      .slice(1)
      .map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop()!;
    let parent: any = resource;
    for (const key of keys) {
      if (parent[key] === undefined) throw new Error(`patch ${op} ${path}: no ${key}`);
      parent = parent[key];
    }
    if (op === 'remove') delete parent[last];
    else if (op === 'replace' && !(last in parent)) throw new Error(`patch replace ${path}: nothing to replace`);
    else if (op === 'add' || op === 'replace') {
      if (Array.isArray(parent) && last === '-') parent.push(value);
      else parent[last] = value;
    } else throw new Error(`patch op ${op} is not supported by this test`);
  }
}

function withImage(image: string, images: NonNullable<Kustomization['images']>): string {
  const [name, tag] = image.split(':');
  const rule = images.find((candidate) => candidate.name === name);
  if (!rule) return image;
  const newTag = rule.newTag ?? tag;
  return `${rule.newName ?? name}${newTag ? `:${newTag}` : ''}`;
}

function podSpecs(resource: Resource): any[] {
  const template = resource.spec?.template ?? resource.spec?.jobTemplate?.spec?.template;
  return template?.spec ? [template.spec] : [];
}

function buildKustomization(dir: string, build: Build = { resources: [], files: new Set(), problems: [] }): Build {
  const file = join(dir, 'kustomization.yaml');
  build.files.add(relative(K8S, file));
  const kustomization = parse(readFileSync(file, 'utf8')) as Kustomization;
  const own: Build = { resources: [], files: build.files, problems: build.problems };

  for (const entry of kustomization.resources ?? []) {
    const path = resolve(dir, entry);
    if (!existsSync(path)) {
      build.problems.push(`${relative(K8S, file)}: no such resource ${entry}`);
    } else if (statSync(path).isDirectory()) {
      own.resources.push(
        ...buildKustomization(path, { resources: [], files: build.files, problems: build.problems }).resources,
      );
    } else {
      build.files.add(relative(K8S, path));
      for (const document of parseAllDocuments(readFileSync(path, 'utf8'))) {
        if (document.errors.length) build.problems.push(`${relative(K8S, path)}: ${document.errors[0].message}`);
        const value = document.toJS() as Resource | null;
        if (value) own.resources.push(value);
      }
    }
  }

  const generators = [
    ...(kustomization.configMapGenerator ?? []).map((generator) => ({ kind: 'ConfigMap', generator })),
    ...(kustomization.secretGenerator ?? []).map((generator) => ({ kind: 'Secret', generator })),
  ];
  for (const { kind, generator } of generators) {
    const data = generate(dir, generator, build);
    const existing = own.resources.find((r) => r.kind === kind && r.metadata?.name === generator.name);
    const field = kind === 'Secret' ? 'stringData' : 'data';
    if (generator.behavior === 'merge' || generator.behavior === 'replace') {
      if (!existing)
        build.problems.push(`${relative(K8S, file)}: ${generator.behavior} of a missing ${generator.name}`);
      else existing[field] = generator.behavior === 'merge' ? { ...existing[field], ...data } : data;
    } else if (existing) {
      build.problems.push(`${relative(K8S, file)}: ${generator.name} generated twice`);
    } else {
      own.resources.push({ apiVersion: 'v1', kind, metadata: { name: generator.name }, [field]: data });
    }
  }

  for (const patch of kustomization.patches ?? []) {
    let text = patch.patch;
    if (patch.path) {
      const path = join(dir, patch.path);
      build.files.add(relative(K8S, path));
      if (!existsSync(path)) {
        build.problems.push(`${relative(K8S, file)}: no such patch ${patch.path}`);
        continue;
      }
      text = readFileSync(path, 'utf8');
    }
    const operations = parse(text ?? '') as unknown;
    if (!Array.isArray(operations) || !patch.target) {
      build.problems.push(`${relative(K8S, file)}: only JSON 6902 patches with a target are checked by this test`);
      continue;
    }
    const targets = own.resources.filter((resource) => matchesTarget(resource, patch.target));
    if (targets.length === 0) build.problems.push(`${relative(K8S, file)}: a patch matches nothing`);
    for (const resource of targets) applyJsonPatch(resource, operations);
  }

  for (const resource of own.resources) {
    for (const spec of podSpecs(resource)) {
      for (const container of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
        container.image = withImage(container.image, kustomization.images ?? []);
      }
    }
    if (kustomization.namespace && resource.kind !== 'Namespace') {
      resource.metadata = { ...resource.metadata, namespace: kustomization.namespace };
      // Like kustomize: a ServiceAccount subject of the default namespace moves with the rest.
      if (resource.kind === 'RoleBinding' || resource.kind === 'ClusterRoleBinding') {
        for (const subject of resource.subjects ?? []) {
          if (subject.kind === 'ServiceAccount' && subject.namespace === 'default') {
            subject.namespace = kustomization.namespace;
          }
        }
      }
    }
  }
  build.resources.push(...own.resources);
  return build;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return yamlFilesUnder(path);
    return /\.ya?ml$/.test(entry) ? [relative(K8S, path)] : [];
  });
}

// ---- helpers over a build ------------------------------------------------------------------

const find = (build: Build, kind: string, name: string): Resource | undefined =>
  build.resources.find((resource) => resource.kind === kind && resource.metadata?.name === name);

function get(build: Build, kind: string, name: string): Resource {
  const resource = find(build, kind, name);
  if (!resource) throw new Error(`no ${kind} ${name}`);
  return resource;
}

const selects = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean =>
  !!selector &&
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([key, value]) => labels?.[key] === value);

/** A probe's or Service's port, given as a number or as the name of a container port. */
function containerPort(container: Resource, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  return (container.ports ?? []).find((candidate: Resource) => candidate.name === port)?.containerPort;
}

/** The variables a container gets, each with where it comes from. */
function environmentOf(build: Build, container: Resource): Map<string, string> {
  const provided = new Map<string, string>();
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    const configMap = name && find(build, 'ConfigMap', name);
    if (!configMap) throw new Error(`envFrom names a missing ConfigMap ${name}`);
    for (const key of Object.keys(configMap.data ?? {})) provided.set(key, `configMap ${name}`);
  }
  for (const variable of container.env ?? []) {
    const secret = variable.valueFrom?.secretKeyRef;
    const configMap = variable.valueFrom?.configMapKeyRef;
    if (secret) provided.set(variable.name, `secret ${secret.name} ${secret.key}`);
    else if (configMap) provided.set(variable.name, `configMap ${configMap.name}`);
    else provided.set(variable.name, 'value');
  }
  return provided;
}

/** The value of a variable in a container, where the build holds it (dev's generated Secret...). */
function valueOf(build: Build, container: Resource, variable: string): string | undefined {
  const direct = (container.env ?? []).find((entry: Resource) => entry.name === variable);
  if (direct?.value !== undefined) return String(direct.value);
  const secretRef = direct?.valueFrom?.secretKeyRef;
  if (secretRef) return find(build, 'Secret', secretRef.name)?.stringData?.[secretRef.key];
  for (const source of container.envFrom ?? []) {
    const data = find(build, 'ConfigMap', source.configMapRef?.name)?.data ?? {};
    if (variable in data) return String(data[variable]);
  }
  return undefined;
}

const appContainer = (build: Build, service: AppService): Resource =>
  get(build, 'Deployment', service).spec.template.spec.containers.find((c: Resource) => c.name === service);

/** The OTLP/HTTP port: the services export over HTTP (JSON), never to gRPC's 4317. */
const OTLP_HTTP_PORT = 4318;

/**
 * The Service a URL's host names, in cluster DNS: `name` (the pod's own namespace),
 * `name.namespace`, `name.namespace.svc` or `name.namespace.svc.cluster.local`.
 */
function clusterService(host: string, ownNamespace: string): { name: string; namespace: string } | undefined {
  const match = /^([a-z0-9-]+)(?:\.([a-z0-9-]+)(?:\.svc(?:\.cluster\.local)?)?)?$/.exec(host);
  return match ? { name: match[1], namespace: match[2] ?? ownNamespace } : undefined;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- NetworkPolicy fields are read field by field */
/** A label selector (matchLabels and matchExpressions) against a pod's or a namespace's labels. */
function policySelects(selector: Resource | undefined, labels: Record<string, string>): boolean {
  const byLabel = Object.entries((selector?.matchLabels ?? {}) as Record<string, string>).every(
    ([k, v]) => labels[k] === v,
  );
  const byExpression = ((selector?.matchExpressions ?? []) as Resource[]).every(({ key, operator, values }) => {
    if (operator === 'In') return key in labels && values.includes(labels[key]);
    if (operator === 'NotIn') return !(key in labels) || !values.includes(labels[key]);
    if (operator === 'Exists') return key in labels;
    if (operator === 'DoesNotExist') return !(key in labels);
    throw new Error(`selector operator ${operator} is not read by this test`);
  });
  return byLabel && byExpression;
}

/**
 * One end of a connection: pods with `labels` in `namespace`, or an address outside every pod
 * (`ip`, IPv4). Pods whose labels are not known (another namespace's) have none: only a peer
 * that selects any pod there matches them.
 */
interface Peer {
  namespace?: string;
  labels?: Record<string, string>;
  ip?: string;
}
/** The side that accepts the connection, on a port (TCP unless told). */
type Target = Peer & { port: number; protocol?: 'TCP' | 'UDP' };

function ipv4(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}
function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4(ip) / size) === Math.floor(ipv4(base) / size);
}

/** Whether a rule's peer (`to` of egress, `from` of ingress) of a policy in `policyNamespace` is `other`. */
function peerMatches(peer: Resource, policyNamespace: string, other: Peer): boolean {
  if (peer.ipBlock) {
    const { cidr, except = [] } = peer.ipBlock as { cidr: string; except?: string[] };
    // Pod addresses are private: only a block of every address, without exceptions, covers them here.
    if (other.ip === undefined) return cidr === '0.0.0.0/0' && except.length === 0;
    return inCidr(other.ip, cidr) && !except.some((range) => inCidr(other.ip!, range));
  }
  if (other.ip !== undefined) return false;
  const namespaceOk = peer.namespaceSelector
    ? policySelects(peer.namespaceSelector, { 'kubernetes.io/metadata.name': other.namespace! })
    : other.namespace === policyNamespace;
  if (!namespaceOk || !peer.podSelector) return namespaceOk;
  if (other.labels) return policySelects(peer.podSelector, other.labels);
  return !peer.podSelector.matchLabels && !peer.podSelector.matchExpressions?.length;
}

function portMatches(ports: any[] | undefined, target: Target): boolean {
  return (
    !ports?.length ||
    ports.some((p) => {
      if (typeof p.port === 'string') throw new Error('named ports are not read by this test');
      return (
        (p.protocol ?? 'TCP') === (target.protocol ?? 'TCP') &&
        (p.port === undefined ||
          p.port === target.port ||
          (p.endPort !== undefined && p.port <= target.port && target.port <= p.endPort))
      );
    })
  );
}

/**
 * Whether the policies of `direction` let `pod` (with labels, in a namespace) exchange with
 * `other` on `target`'s port: yes if no policy selecting the pod has that policyType (it is then
 * not restricted), else only if a rule of one of them allows that port and that peer.
 */
function directionAllowed(
  resources: Resource[],
  direction: 'Ingress' | 'Egress',
  pod: Peer,
  other: Peer,
  target: Target,
): boolean {
  if (pod.ip !== undefined || !pod.labels) return true;
  const policies = resources.filter((r) => {
    if (r.kind !== 'NetworkPolicy' || (r.metadata?.namespace ?? pod.namespace) !== pod.namespace) return false;
    const types: string[] = r.spec?.policyTypes ?? (r.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress']);
    return types.includes(direction) && policySelects(r.spec?.podSelector, pod.labels!);
  });
  if (policies.length === 0) return true;
  const [rules, peers] = direction === 'Egress' ? ['egress', 'to'] : ['ingress', 'from'];
  return policies.some((policy) =>
    (policy.spec[rules] ?? []).some(
      (rule: any) =>
        portMatches(rule.ports, target) &&
        (!rule[peers]?.length ||
          rule[peers].some((peer: Resource) => peerMatches(peer, policy.metadata?.namespace ?? pod.namespace, other))),
    ),
  );
}

/** Whether the NetworkPolicies of a build let pods with `labels` in `namespace` open `target` (egress side only). */
function egressAllowed(
  resources: Resource[],
  pod: { labels: Record<string, string>; namespace: string },
  target: Target,
) {
  return directionAllowed(resources, 'Egress', pod, target, target);
}

/** Whether `source` may open `target`: its egress and the target's ingress both allow it. */
function reachable(resources: Resource[], source: Peer, target: Target): boolean {
  return (
    directionAllowed(resources, 'Egress', source, target, target) &&
    directionAllowed(resources, 'Ingress', target, source, target)
  );
}

const NETWORK_POLICY_FIELDS = {
  spec: ['podSelector', 'policyTypes', 'ingress', 'egress'],
  rule: ['from', 'to', 'ports'],
  peer: ['podSelector', 'namespaceSelector', 'ipBlock'],
  port: ['protocol', 'port', 'endPort'],
  selector: ['matchLabels', 'matchExpressions'],
};
const INGRESS_FIELDS = {
  spec: ['ingressClassName', 'defaultBackend', 'rules', 'tls'],
  rule: ['host', 'http'],
  path: ['path', 'pathType', 'backend'],
  tls: ['hosts', 'secretName'],
};

/**
 * What is wrong with a NetworkPolicy or an Ingress by the networking.k8s.io/v1 schema, as far as
 * these manifests use it: unknown fields, missing required ones, values out of their enum.
 */
function networkingProblems(resource: Resource): string[] {
  const problems: string[] = [];
  const where = `${resource.kind} ${resource.metadata?.name}`;
  const only = (object: Resource | undefined, fields: string[], at: string) => {
    if (object === null || typeof object !== 'object' || Array.isArray(object))
      problems.push(`${where}: ${at} is no object`);
    else
      for (const key of Object.keys(object)) if (!fields.includes(key)) problems.push(`${where}: unknown ${at}.${key}`);
  };
  const list = (value: unknown, at: string): any[] => {
    if (value === undefined) return [];
    if (!Array.isArray(value)) problems.push(`${where}: ${at} is no list`);
    return Array.isArray(value) ? value : [];
  };
  const cidr = (value: unknown, at: string) => {
    if (typeof value !== 'string' || !/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/.test(value))
      problems.push(`${where}: ${at} is no CIDR`);
  };
  const selector = (value: Resource | undefined, at: string) => {
    only(value, NETWORK_POLICY_FIELDS.selector, at);
    for (const [i, e] of list(value?.matchExpressions, `${at}.matchExpressions`).entries()) {
      if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(e.operator))
        problems.push(`${where}: ${at} operator ${i}`);
      if (['In', 'NotIn'].includes(e.operator) && !(Array.isArray(e.values) && e.values.length))
        problems.push(`${where}: ${at} expression ${i} without values`);
    }
  };
  if (resource.apiVersion !== 'networking.k8s.io/v1') problems.push(`${where}: apiVersion ${resource.apiVersion}`);
  if (resource.kind === 'NetworkPolicy') {
    const spec = resource.spec;
    only(spec, NETWORK_POLICY_FIELDS.spec, 'spec');
    if (!spec?.podSelector) problems.push(`${where}: no spec.podSelector`);
    else selector(spec.podSelector, 'spec.podSelector');
    for (const type of list(spec?.policyTypes, 'spec.policyTypes'))
      if (!['Ingress', 'Egress'].includes(type)) problems.push(`${where}: policyType ${type}`);
    for (const [rules, peers] of [
      ['ingress', 'from'],
      ['egress', 'to'],
    ]) {
      for (const [i, rule] of list(spec?.[rules], `spec.${rules}`).entries()) {
        const at = `spec.${rules}[${i}]`;
        only(
          rule,
          NETWORK_POLICY_FIELDS.rule.filter((f) => f === peers || f === 'ports'),
          at,
        );
        for (const [j, peer] of list(rule[peers], `${at}.${peers}`).entries()) {
          only(peer, NETWORK_POLICY_FIELDS.peer, `${at}.${peers}[${j}]`);
          if (peer.ipBlock) {
            if (Object.keys(peer).length > 1) problems.push(`${where}: ${at} ipBlock with a selector`);
            only(peer.ipBlock, ['cidr', 'except'], `${at}.ipBlock`);
            cidr(peer.ipBlock.cidr, `${at}.ipBlock.cidr`);
            for (const range of list(peer.ipBlock.except, `${at}.ipBlock.except`)) cidr(range, `${at}.ipBlock.except`);
          }
          if (peer.podSelector) selector(peer.podSelector, `${at}.podSelector`);
          if (peer.namespaceSelector) selector(peer.namespaceSelector, `${at}.namespaceSelector`);
        }
        for (const port of list(rule.ports, `${at}.ports`)) {
          only(port, NETWORK_POLICY_FIELDS.port, `${at}.ports`);
          if (!['TCP', 'UDP', 'SCTP'].includes(port.protocol ?? 'TCP'))
            problems.push(`${where}: protocol ${port.protocol}`);
          const number = typeof port.port === 'number';
          if (!(number ? port.port >= 1 && port.port <= 65535 : typeof port.port === 'string'))
            problems.push(`${where}: ${at} port ${port.port}`);
          if (port.endPort !== undefined && !(number && port.endPort >= port.port))
            problems.push(`${where}: ${at} endPort ${port.endPort}`);
        }
      }
    }
  } else if (resource.kind === 'Ingress') {
    const spec = resource.spec;
    only(spec, INGRESS_FIELDS.spec, 'spec');
    const backend = (value: Resource | undefined, at: string) => {
      only(value, ['service'], at);
      only(value?.service, ['name', 'port'], `${at}.service`);
      only(value?.service?.port, ['name', 'number'], `${at}.service.port`);
      const port = value?.service?.port ?? {};
      if (typeof value?.service?.name !== 'string' || 'name' in port === 'number' in port)
        problems.push(`${where}: ${at} needs a service name and one of port.name, port.number`);
    };
    if (spec?.defaultBackend) backend(spec.defaultBackend, 'spec.defaultBackend');
    for (const [i, rule] of list(spec?.rules, 'spec.rules').entries()) {
      only(rule, INGRESS_FIELDS.rule, `spec.rules[${i}]`);
      only(rule.http, ['paths'], `spec.rules[${i}].http`);
      for (const [j, path] of list(rule.http?.paths, `spec.rules[${i}].http.paths`).entries()) {
        const at = `spec.rules[${i}].http.paths[${j}]`;
        only(path, INGRESS_FIELDS.path, at);
        if (!['Exact', 'Prefix', 'ImplementationSpecific'].includes(path.pathType))
          problems.push(`${where}: ${at}.pathType`);
        if (typeof path.path !== 'string' || !path.path.startsWith('/')) problems.push(`${where}: ${at}.path`);
        backend(path.backend, `${at}.backend`);
      }
    }
    for (const [i, tls] of list(spec?.tls, 'spec.tls').entries()) only(tls, INGRESS_FIELDS.tls, `spec.tls[${i}]`);
  }
  return problems;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

// ---- the tests -----------------------------------------------------------------------------

const example = readEnvExample();
// The outside systems' stand-ins (the provider simulator) are not deployed to a cluster, nor their databases.
const outsideSystemVariables = new Set(
  OUTSIDE_SYSTEMS.flatMap((system) => variablesReadByOutsideSystem(system, example)),
);
const serviceDatabaseUrls = example.filter(
  (v) => v.name.endsWith('_DATABASE_URL') && !outsideSystemVariables.has(v.name),
);
const exampleValue = (name: string): string | undefined => example.find((variable) => variable.name === name)?.value;
const OVERLAYS = {
  dev: buildKustomization(join(K8S, 'overlays', 'dev')),
  prod: buildKustomization(join(K8S, 'overlays', 'prod')),
};
const BASE = buildKustomization(join(K8S, 'base'));
const BUILDS = Object.entries(OVERLAYS);

describe('deploy/k8s, as files', () => {
  it('has a base and the overlays dev and prod', () => {
    for (const dir of ['base', 'overlays/dev', 'overlays/prod']) {
      expect([dir, existsSync(join(K8S, dir, 'kustomization.yaml'))]).toEqual([dir, true]);
    }
  });

  it('parses every YAML file, and every one is used by an overlay', () => {
    const used = new Set([...OVERLAYS.dev.files, ...OVERLAYS.prod.files]);
    const files = yamlFilesUnder(K8S);
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const errors = parseAllDocuments(readFileSync(join(K8S, file), 'utf8')).flatMap((document) => document.errors);
      expect([file, errors.map((error) => error.message)]).toEqual([file, []]);
    }
    expect(files.filter((file) => !used.has(file))).toEqual([]);
  });

  it.each([['base', BASE], ...BUILDS])(
    '%s: every resource, env file and patch listed exists and applies',
    (_, build) => {
      expect(build.problems).toEqual([]);
    },
  );

  it('traces nothing in the base: no ConfigMap names an OTLP endpoint (no SDK starts)', () => {
    const configMaps = BASE.resources.filter((resource) => resource.kind === 'ConfigMap');
    expect(configMaps.length).toBeGreaterThan(0);
    for (const configMap of configMaps) {
      expect([configMap.metadata.name, configMap.data?.OTEL_EXPORTER_OTLP_ENDPOINT ?? '']).toEqual([
        configMap.metadata.name,
        '',
      ]);
    }
  });

  it('ships no Secret in the base (dev generates one, prod brings its own)', () => {
    expect(BASE.resources.filter((resource) => resource.kind === 'Secret')).toEqual([]);
    expect(find(OVERLAYS.prod, 'Secret', SECRET_NAME)).toBeUndefined();
  });

  it('has every resource a kind, an apiVersion and a name', () => {
    for (const [overlay, build] of BUILDS) {
      for (const resource of build.resources) {
        expect([overlay, resource.kind, typeof resource.apiVersion, typeof resource.metadata?.name]).toEqual([
          overlay,
          resource.kind,
          'string',
          'string',
        ]);
      }
    }
  });
});

describe.each(BUILDS)('overlay %s', (overlay, build) => {
  it.each(APP_SERVICES)('runs %s from its image with the command deploy/Dockerfile runs', (service) => {
    const container = appContainer(build, service);
    expect(container.image.split('/').pop().split(':')[0]).toBe(`zhongtai-${service}`);
    expect(container.command).toEqual(['node', `dist/apps/${service}/src/main.js`]);
    expect(existsSync(join(ROOT, 'apps', service, 'src', 'main.ts'))).toBe(true);
    const cmd = /^CMD\s+(.+)$/m.exec(readFileSync(join(ROOT, 'deploy', 'Dockerfile'), 'utf8'))?.[1] ?? '';
    expect(cmd).toMatch(/dist\/apps\/\$\{?SERVICE\b.*\/src\/main\.js/);
  });

  it.each(APP_SERVICES)('listens with %s on the port of .env.example and DEFAULT_PORTS', (service) => {
    const container = appContainer(build, service);
    const variable = `${service.toUpperCase()}_PORT`;
    const port = containerPort(container, 'http');
    expect(port).toBe(DEFAULT_PORTS[service]);
    expect(String(port)).toBe(exampleValue(variable));
    expect(valueOf(build, container, variable)).toBe(String(port));
  });

  it.each(APP_SERVICES)('probes %s on /health/ready, /health/live and at start-up, on its port', (service) => {
    const container = appContainer(build, service);
    const port = DEFAULT_PORTS[service];
    expect(container.readinessProbe?.httpGet?.path).toBe('/health/ready');
    expect(container.livenessProbe?.httpGet?.path).toBe('/health/live');
    expect(container.startupProbe?.httpGet?.path).toMatch(/^\/health\/(live|ready)$/);
    for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe]) {
      expect(containerPort(container, probe.httpGet.port)).toBe(port);
    }
  });

  it.each(APP_SERVICES)('exposes %s through a Service on its port, selecting its pods', (service) => {
    const deployment = get(build, 'Deployment', service);
    const container = appContainer(build, service);
    const serviceResource = get(build, 'Service', service);
    expect(selects(serviceResource.spec.selector, deployment.spec.template.metadata.labels)).toBe(true);
    expect(selects(deployment.spec.selector.matchLabels, deployment.spec.template.metadata.labels)).toBe(true);
    const ports = serviceResource.spec.ports;
    expect(ports).toHaveLength(1);
    expect(ports[0].port).toBe(DEFAULT_PORTS[service]);
    expect(containerPort(container, ports[0].targetPort ?? ports[0].port)).toBe(DEFAULT_PORTS[service]);
  });

  it.each(APP_SERVICES)('has Prometheus scrape %s on the port that serves /metrics', (service) => {
    const name = service === 'gateway' ? 'gateway-internal' : service;
    const serviceResource = get(build, 'Service', name);
    const port = service === 'gateway' ? DEFAULT_INTERNAL_PORT : DEFAULT_PORTS[service];
    expect(serviceResource.metadata.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(port),
      'prometheus.io/path': '/metrics',
    });
    expect(serviceResource.spec.ports.map((p: Resource) => p.port)).toContain(port);
  });

  it('keeps the gateway internal port off the gateway Service, on a cluster-internal one', () => {
    const container = appContainer(build, 'gateway');
    const internalPort = Number(valueOf(build, container, 'GATEWAY_INTERNAL_PORT'));
    expect(internalPort).toBe(Number(exampleValue('GATEWAY_INTERNAL_PORT')));
    expect(containerPort(container, 'internal')).toBe(internalPort);
    expect(get(build, 'Service', 'gateway').spec.ports.map((p: Resource) => p.port)).not.toContain(internalPort);
    const internal = get(build, 'Service', 'gateway-internal');
    expect(internal.spec.type ?? 'ClusterIP').toBe('ClusterIP');
    expect(selects(internal.spec.selector, get(build, 'Deployment', 'gateway').spec.template.metadata.labels)).toBe(
      true,
    );
    const port = internal.spec.ports.find((p: Resource) => p.port === internalPort);
    expect(containerPort(container, port.targetPort ?? port.port)).toBe(internalPort);
  });

  it.each(APP_SERVICES)('gives %s every variable it reads, secrets from the Secret only', (service) => {
    const container = appContainer(build, service);
    const required = variablesReadBy(service, example);
    expect(required).toContain(`${service.toUpperCase()}_PORT`);
    const provided = environmentOf(build, container);
    expect(required.filter((variable) => !provided.has(variable))).toEqual([]);
    for (const variable of SECRET_VARIABLES.filter((name) => required.includes(name))) {
      expect([variable, provided.get(variable)]).toEqual([variable, `secret ${SECRET_NAME} ${variable}`]);
    }
    // Least privilege: no other service's database URL, no gateway secret elsewhere.
    const extra = SECRET_VARIABLES.filter((name) => provided.has(name) && !required.includes(name));
    expect(extra).toEqual([]);
  });

  it('puts no secret into a ConfigMap', () => {
    for (const configMap of build.resources.filter((resource) => resource.kind === 'ConfigMap')) {
      const keys = Object.keys(configMap.data ?? {});
      expect([configMap.metadata.name, keys.filter((key) => SECRET_VARIABLES.includes(key))]).toEqual([
        configMap.metadata.name,
        [],
      ]);
    }
  });

  it('points NATS_URL and REDIS_URL at Services of this overlay', () => {
    const nats = new URL(valueOf(build, appContainer(build, 'order'), 'NATS_URL') ?? '');
    expect(nats.protocol).toBe('nats:');
    expect(get(build, 'Service', nats.hostname).spec.ports.map((p: Resource) => p.port)).toContain(Number(nats.port));
    const redis = new URL(valueOf(build, appContainer(build, 'gateway'), 'REDIS_URL') ?? '');
    expect(redis.protocol).toBe('redis:');
    expect(get(build, 'Service', redis.hostname).spec.ports.map((p: Resource) => p.port)).toContain(Number(redis.port));
  });

  it.each(APP_SERVICES)('asks for and caps the CPU and memory of %s', (service) => {
    const container = appContainer(build, service);
    for (const field of ['requests', 'limits']) {
      expect([field, container.resources?.[field]?.cpu, container.resources?.[field]?.memory]).toEqual([
        field,
        expect.anything(),
        expect.anything(),
      ]);
    }
  });

  it.each(APP_SERVICES)('rolls %s out without ever going below the desired count', (service) => {
    const strategy = get(build, 'Deployment', service).spec.strategy;
    expect(strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
  });

  it.each([...APP_SERVICES, 'migrate'])(
    'runs %s as non-root, read-only, unprivileged, without capabilities',
    (name) => {
      const workload = find(build, 'Deployment', name) ?? get(build, 'Job', name);
      const pod = workload.spec.template.spec;
      for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
        const effective = { ...pod.securityContext, ...container.securityContext };
        expect(effective.runAsNonRoot).toBe(true);
        // The image's user is `node` by name, which the kubelet cannot check: a uid is needed.
        expect(effective.runAsUser).toBeGreaterThan(0);
        expect(effective.allowPrivilegeEscalation).toBe(false);
        expect(effective.readOnlyRootFilesystem).toBe(true);
        expect(effective.privileged).not.toBe(true);
        expect(effective.capabilities?.drop).toContain('ALL');
        expect(container.resources?.limits?.memory).toBeDefined();
      }
    },
  );

  it.each(APP_SERVICES)('keeps a pod of %s through voluntary disruptions and scales it on CPU', (service) => {
    const deployment = get(build, 'Deployment', service);
    const budgets = build.resources.filter(
      (r) =>
        r.kind === 'PodDisruptionBudget' &&
        selects(r.spec.selector?.matchLabels, deployment.spec.template.metadata.labels),
    );
    expect(budgets).toHaveLength(1);
    expect(budgets[0].spec.minAvailable).toBe(1);

    const autoscalers = build.resources.filter(
      (r) =>
        r.kind === 'HorizontalPodAutoscaler' &&
        r.spec.scaleTargetRef?.kind === 'Deployment' &&
        r.spec.scaleTargetRef?.name === service,
    );
    expect(autoscalers).toHaveLength(1);
    const hpa = autoscalers[0];
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.metrics.map((m: Resource) => m.resource?.name)).toContain('cpu');
    expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
    expect(hpa.spec.minReplicas).toBe(deployment.spec.replicas);
  });

  it('migrates every database of .env.example once, in a Job, with the URLs the services use', () => {
    const job = get(build, 'Job', 'migrate');
    const [container] = job.spec.template.spec.containers;
    expect(container.command.join(' ')).toContain('dist/scripts/migrate.js');
    expect(container.image.split('/').pop().split(':')[0]).toBe('zhongtai-migrate');
    const provided = environmentOf(build, container);
    const databaseVariables = serviceDatabaseUrls.map((v) => v.name);
    expect(databaseVariables).toHaveLength(4);
    for (const variable of databaseVariables) {
      expect([variable, provided.get(variable)]).toEqual([variable, `secret ${SECRET_NAME} ${variable}`]);
    }
  });

  it('runs NATS with JetStream on a volume', () => {
    const nats = get(build, 'StatefulSet', 'nats');
    const [container] = nats.spec.template.spec.containers;
    const args = (container.args ?? []).join(' ');
    const config = Object.values(find(build, 'ConfigMap', 'nats-config')?.data ?? {}).join('\n');
    expect(/(^|\s)(-js|--jetstream)(\s|$)/.test(args) || /^\s*jetstream\s*\{/m.test(config)).toBe(true);
    const storeDir = /(?:-sd|--store_dir)\s+(\S+)/.exec(args)?.[1] ?? /store_dir:\s*(\S+)/.exec(config)?.[1];
    expect(storeDir).toMatch(/^\//);
    const mount = container.volumeMounts.find((m: Resource) => storeDir === m.mountPath);
    expect(mount).toBeDefined();
    const volumes = [
      ...(nats.spec.volumeClaimTemplates ?? []).map((claim: Resource) => claim.metadata.name),
      ...(nats.spec.template.spec.volumes ?? []).filter((v: Resource) => v.emptyDir).map((v: Resource) => v.name),
    ];
    expect(volumes).toContain(mount.name);
  });
});

/** The files a volume of a pod puts in its mount directory, by name. */
function filesOf(build: Build, volume: Resource): Record<string, string> {
  const files: Record<string, string> = {};
  const sources = volume.projected?.sources ?? (volume.configMap ? [{ configMap: volume.configMap }] : []);
  for (const { configMap: ref } of sources) {
    const data = get(build, 'ConfigMap', ref.name).data as Record<string, string>;
    const items: Array<{ key: string; path: string }> =
      ref.items ?? Object.keys(data).map((key) => ({ key, path: key }));
    for (const { key, path } of items) files[path] = data[key];
  }
  return files;
}

describe.each(BUILDS)('overlay %s: NATS authorization', (_overlay, build) => {
  const nats = get(build, 'StatefulSet', 'nats');
  const [container] = nats.spec.template.spec.containers;
  const mount = (container.volumeMounts as Resource[]).find((m) => m.mountPath === '/etc/nats')!;
  const volume = (nats.spec.template.spec.volumes as Resource[]).find((v) => v.name === mount?.name)!;
  const files = volume ? filesOf(build, volume) : {};
  const configFile = /--config\s+\/etc\/nats\/(\S+)/.exec(container.args.join(' '))?.[1] ?? '';

  it('runs the server with a configuration that includes deploy/nats/authorization.conf as it is', () => {
    expect(files[configFile]).toMatch(/^include \.\/authorization\.conf$/m);
    expect(files['authorization.conf']).toBe(readFileSync(join(ROOT, 'deploy', 'nats', 'authorization.conf'), 'utf8'));
  });

  it("gives the server each user's password from the Secret, the same key as the user's service", () => {
    const needed = natsServerVariables();
    expect(needed.sort()).toEqual(
      [...APP_SERVICES.map((s) => `${s.toUpperCase()}_NATS_PASSWORD`), 'NATS_ADMIN_PASSWORD'].sort(),
    );
    const provided = environmentOf(build, container);
    for (const variable of needed) {
      expect([variable, provided.get(variable)]).toEqual([variable, `secret ${SECRET_NAME} ${variable}`]);
    }
    for (const service of APP_SERVICES) {
      const variable = `${service.toUpperCase()}_NATS_PASSWORD`;
      expect(environmentOf(build, appContainer(build, service)).get(variable)).toBe(provided.get(variable));
    }
  });
});

describe.each(BUILDS)('overlay %s: Prometheus and Grafana', (_overlay, build) => {
  const namespace = build.resources.find((r) => r.kind === 'Namespace')?.metadata?.name;
  const podOf = (name: string) => get(build, 'Deployment', name).spec.template.spec;
  /** The files a container sees under `dir`, from the ConfigMap volume mounted there. */
  const mounted = (name: string, dir: string): Record<string, string> => {
    const pod = podOf(name);
    const mount = (pod.containers[0].volumeMounts as Resource[]).find((m) => m.mountPath === dir);
    const volume = (pod.volumes as Resource[]).find((v) => v.name === mount?.name);
    if (!volume) throw new Error(`${name} mounts nothing at ${dir}`);
    return filesOf(build, volume);
  };
  const file = (...path: string[]) => readFileSync(join(ROOT, 'deploy', ...path), 'utf8');

  it('runs Prometheus with prometheus-kubernetes.yml and the alert rules of deploy/prometheus, as they are', () => {
    const [container] = podOf('prometheus').containers;
    const configPath = (container.args as string[]).find((a) => a.startsWith('--config.file='))?.split('=')[1] ?? '';
    const dir = configPath.slice(0, configPath.lastIndexOf('/'));
    const files = mounted('prometheus', dir);
    const configFile = configPath.slice(dir.length + 1);
    expect(files[configFile]).toBe(file('prometheus', 'prometheus-kubernetes.yml'));
    const config = parse(files[configFile]) as Resource;
    expect(config.rule_files.length).toBeGreaterThan(0);
    for (const rules of config.rule_files as string[]) {
      expect(rules.startsWith(`${dir}/`)).toBe(true);
      expect(files[rules.slice(dir.length + 1)]).toBe(file('prometheus', 'alerts.yml'));
    }
  });

  it("scrapes the annotated Services' pods as jobs named after the five services", () => {
    const config = parse(file('prometheus', 'prometheus-kubernetes.yml')) as Resource;
    const [job] = config.scrape_configs;
    expect(job.kubernetes_sd_configs).toEqual([{ role: 'endpoints', namespaces: { own_namespace: true } }]);
    const relabel = (source: string) =>
      (job.relabel_configs as Resource[]).find((r) => (r.source_labels as string[]).includes(source));
    expect(relabel('__meta_kubernetes_service_annotation_prometheus_io_scrape')).toMatchObject({
      action: 'keep',
      regex: 'true',
    });
    expect(relabel('__meta_kubernetes_service_annotation_prometheus_io_port')?.target_label).toBe('__address__');
    expect(relabel('__meta_kubernetes_service_annotation_prometheus_io_path')?.target_label).toBe('__metrics_path__');
    const jobLabel = relabel('__meta_kubernetes_service_label_app_kubernetes_io_name');
    expect(jobLabel?.target_label).toBe('job');
    // The Services that would be scraped, and the job each would get.
    const scraped = build.resources
      .filter((r) => r.kind === 'Service' && r.metadata.annotations?.['prometheus.io/scrape'] === 'true')
      .map((r) => r.metadata.labels?.['app.kubernetes.io/name']);
    expect(scraped.sort()).toEqual([...APP_SERVICES].sort());
  });

  it('lets Prometheus discover the endpoints, Services and pods of its own namespace only', () => {
    const pod = podOf('prometheus');
    const binding = build.resources.find(
      (r) =>
        r.kind === 'RoleBinding' &&
        (r.subjects as Resource[]).some((s) => s.kind === 'ServiceAccount' && s.name === pod.serviceAccountName),
    );
    expect(binding).toBeDefined();
    expect(get(build, 'ServiceAccount', pod.serviceAccountName)).toBeDefined();
    expect(binding?.subjects[0].namespace).toBe(namespace);
    expect(binding?.metadata.namespace).toBe(namespace);
    const role = get(build, 'Role', binding?.roleRef.name);
    const granted = (role.rules as Resource[]).filter((rule) => rule.apiGroups.includes(''));
    for (const resource of ['endpoints', 'services', 'pods']) {
      const rule = granted.find((r) => r.resources.includes(resource));
      expect([resource, rule?.verbs]).toEqual([resource, expect.arrayContaining(['get', 'list', 'watch'])]);
    }
    expect(build.resources.filter((r) => r.kind === 'ClusterRoleBinding')).toEqual([]);
  });

  it('provisions Grafana with the data source, provider and every dashboard of deploy/grafana, as they are', () => {
    expect(mounted('grafana', '/etc/grafana/provisioning/datasources')).toEqual({
      'prometheus.yml': file('grafana', 'provisioning', 'datasources', 'prometheus.yml'),
    });
    const providers = mounted('grafana', '/etc/grafana/provisioning/dashboards');
    expect(providers).toEqual({ 'zhongtai.yml': file('grafana', 'provisioning', 'dashboards', 'zhongtai.yml') });
    const [provider] = (parse(providers['zhongtai.yml']) as Resource).providers;
    const dashboards = mounted('grafana', provider.options.path);
    const expected = Object.fromEntries(
      readdirSync(join(ROOT, 'deploy', 'grafana', 'dashboards')).map((name) => [
        name,
        file('grafana', 'dashboards', name),
      ]),
    );
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    expect(dashboards).toEqual(expected);
    const home = (podOf('grafana').containers[0].env as Resource[]).find(
      (e) => e.name === 'GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH',
    )?.value;
    expect(Object.keys(dashboards).map((name) => `${provider.options.path}/${name}`)).toContain(home);
  });

  it("points Grafana's data source at the Prometheus Service, on Prometheus' port", () => {
    const [datasource] = (parse(file('grafana', 'provisioning', 'datasources', 'prometheus.yml')) as Resource)
      .datasources;
    const url = new URL(datasource.url);
    const service = get(build, 'Service', url.hostname);
    const port = (service.spec.ports as Resource[]).find((p) => p.port === Number(url.port));
    expect(port).toBeDefined();
    const deployment = get(build, 'Deployment', 'prometheus');
    expect(selects(service.spec.selector, deployment.spec.template.metadata.labels)).toBe(true);
    expect(containerPort(deployment.spec.template.spec.containers[0], port?.targetPort)).toBe(9090);
  });

  it.each(['prometheus', 'grafana'])(
    'runs %s as non-root, read-only, without capabilities, within limits, probed for readiness',
    (name) => {
      const pod = podOf(name);
      const [container] = pod.containers;
      const effective = { ...pod.securityContext, ...container.securityContext };
      expect(effective).toMatchObject({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
      });
      expect(effective.runAsUser).toBeGreaterThan(0);
      expect(effective.capabilities?.drop).toContain('ALL');
      expect(container.resources?.limits?.memory).toBeDefined();
      expect(containerPort(container, container.readinessProbe?.httpGet?.port)).toBeDefined();
      // Not scaled with the services: the prod patch selects component=service only.
      expect(get(build, 'Deployment', name).spec.replicas).toBe(1);
    },
  );

  it('keeps every generated ConfigMap small enough for kubectl apply (256 KiB of annotation)', () => {
    for (const configMap of build.resources.filter((r) => r.kind === 'ConfigMap')) {
      const size = Object.values((configMap.data ?? {}) as Record<string, string>).reduce((n, v) => n + v.length, 0);
      expect([configMap.metadata.name, size < 200 * 1024]).toEqual([configMap.metadata.name, true]);
    }
  });
});

describe('overlay dev', () => {
  const dev = OVERLAYS.dev;

  it.each(APP_SERVICES)('runs one replica of %s', (service) => {
    expect(get(dev, 'Deployment', service).spec.replicas).toBe(1);
  });

  it('runs one NATS, one PostgreSQL and one Redis in the cluster', () => {
    for (const name of ['nats', 'postgres', 'redis']) {
      const workload = find(dev, 'StatefulSet', name) ?? get(dev, 'Deployment', name);
      expect([name, workload.spec.replicas]).toEqual([name, 1]);
      expect(find(dev, 'Service', name)).toBeDefined();
    }
  });

  it.each(APP_SERVICES)('traces nothing in %s, as the base', (service) => {
    expect(valueOf(dev, appContainer(dev, service), 'OTEL_EXPORTER_OTLP_ENDPOINT') ?? '').toBe('');
  });

  it('generates the Secret with the development values of .env.example, in development mode', () => {
    const secret = get(dev, 'Secret', SECRET_NAME);
    expect(Object.keys(secret.stringData).sort()).toEqual([...SECRET_VARIABLES].sort());
    expect(secret.stringData.JWT_SECRET).toBe(exampleValue('JWT_SECRET'));
    expect(secret.stringData.OPERATOR_PASSWORD).toBe(exampleValue('OPERATOR_PASSWORD'));
    // With NODE_ENV=production the gateway refuses exactly these values.
    expect(valueOf(dev, appContainer(dev, 'gateway'), 'NODE_ENV')).not.toBe('production');
  });

  it('points each database URL at the postgres Service and the database .env.example names', () => {
    const secret = get(dev, 'Secret', SECRET_NAME);
    const port = get(dev, 'Service', 'postgres').spec.ports[0].port;
    for (const variable of SECRET_VARIABLES.filter((name) => name.endsWith('_DATABASE_URL'))) {
      const url = new URL(secret.stringData[variable]);
      expect([variable, url.protocol, url.hostname, Number(url.port)]).toEqual([
        variable,
        'postgres:',
        'postgres',
        port,
      ]);
      expect([variable, url.pathname]).toEqual([variable, new URL(exampleValue(variable) ?? '').pathname]);
    }
  });
});

describe('overlay prod', () => {
  const prod = OVERLAYS.prod;

  it.each(APP_SERVICES)('runs at least two replicas of %s, and the autoscaler never goes below two', (service) => {
    expect(get(prod, 'Deployment', service).spec.replicas).toBeGreaterThanOrEqual(2);
    expect(get(prod, 'HorizontalPodAutoscaler', service).spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(get(prod, 'PodDisruptionBudget', service).spec.minAvailable).toBe(1);
  });

  /** Where a service of prod sends its spans: the URL, and the Service it names in cluster DNS. */
  const collectorOf = (service: AppService) => {
    const deployment = get(prod, 'Deployment', service);
    const endpoint = valueOf(prod, appContainer(prod, service), 'OTEL_EXPORTER_OTLP_ENDPOINT') ?? '';
    const url = new URL(endpoint);
    return { deployment, endpoint, url, collector: clusterService(url.hostname, deployment.metadata.namespace) };
  };

  it.each(APP_SERVICES)(
    'sends the spans of %s over OTLP/HTTP to the collector Service the README names, a share of the traces',
    (service) => {
      const { deployment, endpoint, url, collector } = collectorOf(service);
      // The base URL: the services append /v1/traces themselves.
      expect([endpoint, url.protocol, Number(url.port), url.pathname, url.search]).toEqual([
        endpoint,
        'http:',
        OTLP_HTTP_PORT,
        '/',
        '',
      ]);
      expect(collector).toBeDefined();
      // A collector in the overlay's namespace would be one of its Services; one elsewhere is the cluster's own.
      if (collector!.namespace === deployment.metadata.namespace) {
        const ports = get(prod, 'Service', collector!.name).spec.ports.map((p: Resource) => p.port);
        expect(ports).toContain(OTLP_HTTP_PORT);
      }
      const readme = readFileSync(join(K8S, 'README.md'), 'utf8');
      expect(readme).toContain(endpoint);
      expect(readme).toContain(`\`${collector!.name}\``);
      const ratio = Number(valueOf(prod, appContainer(prod, service), 'OTEL_TRACES_SAMPLER_ARG'));
      expect([ratio > 0, ratio <= 1]).toEqual([true, true]);
    },
  );

  it.each(APP_SERVICES)('lets %s reach its collector through the NetworkPolicies', (service) => {
    const { deployment, url, collector } = collectorOf(service);
    const pod = { labels: deployment.spec.template.metadata.labels, namespace: deployment.metadata.namespace };
    expect(egressAllowed(prod.resources, pod, { namespace: collector!.namespace, port: Number(url.port) })).toBe(true);
  });

  it('pulls every image of the project from a registry, with a tag', () => {
    const images = prod.resources.flatMap((r) =>
      podSpecs(r).flatMap((spec) => spec.containers.map((c: Resource) => String(c.image))),
    );
    const own = images.filter((image) => /(^|\/)zhongtai-/.test(image));
    expect(own).toHaveLength(APP_SERVICES.length + 1);
    for (const image of own) expect(image).toMatch(/^[^/]+\.[^/]+\/.*zhongtai-[a-z]+:(?!latest$)[\w.-]+$/);
  });

  it('replicates the saga streams on every node of the NATS cluster', () => {
    const nats = get(prod, 'StatefulSet', 'nats');
    expect(get(prod, 'ConfigMap', 'zhongtai-shared-config').data.SAGA_STREAM_REPLICAS).toBe(String(nats.spec.replicas));
    expect(get(OVERLAYS.dev, 'ConfigMap', 'zhongtai-shared-config').data.SAGA_STREAM_REPLICAS).toBe('1');
  });

  it('runs NATS as a three-node JetStream cluster routed through a headless Service, configured by a ConfigMap', () => {
    const nats = get(prod, 'StatefulSet', 'nats');
    expect(nats.spec.replicas).toBe(3);
    expect((nats.spec.volumeClaimTemplates ?? []).length).toBeGreaterThan(0);

    const headless = get(prod, 'Service', nats.spec.serviceName);
    expect(headless.spec.clusterIP).toBe('None');
    expect(selects(headless.spec.selector, nats.spec.template.metadata.labels)).toBe(true);

    const configVolume = nats.spec.template.spec.volumes.find((v: Resource) => v.projected);
    const configMap = get(prod, 'ConfigMap', configVolume.projected.sources[0].configMap.name);
    const [container] = nats.spec.template.spec.containers;
    const mount = container.volumeMounts.find((m: Resource) => m.name === configVolume.name);
    const [file, text] = Object.entries(configMap.data as Record<string, string>)[0];
    expect(container.args.join(' ')).toContain(`${mount.mountPath}/${file}`);

    expect(text).toMatch(/^\s*jetstream\s*\{/m);
    const clusterPort = Number(/cluster\s*\{[^}]*?port:\s*(\d+)/s.exec(text)?.[1]);
    expect(headless.spec.ports.map((p: Resource) => p.port)).toContain(clusterPort);
    const routes = [...text.matchAll(/nats:\/\/([a-z0-9-]+)\.([a-z0-9-]+):(\d+)/g)].map((m) => m.slice(1));
    expect(routes.map(([pod]) => pod).sort()).toEqual(['nats-0', 'nats-1', 'nats-2']);
    for (const [, service, port] of routes) {
      expect([service, Number(port)]).toEqual([headless.metadata.name, clusterPort]);
    }
    // Every server has its own name (from the pod), or the cluster refuses the duplicates.
    expect(text).toMatch(/server_name:\s*\$POD_NAME/);
    expect(container.env.find((e: Resource) => e.name === 'POD_NAME')?.valueFrom?.fieldRef?.fieldPath).toBe(
      'metadata.name',
    );
  });

  it("runs, in its three-node NATS cluster, the configuration the chaos harness's cluster topology runs", () => {
    // deploy/nats/cluster.conf (npm run chaos -- --topology cluster) includes nats-server.conf,
    // which includes authorization.conf: the file prod mounts beside its nats.conf, as it is.
    const nats = get(prod, 'StatefulSet', 'nats');
    const configVolume = nats.spec.template.spec.volumes.find((v: Resource) => v.projected);
    const files = filesOf(prod, configVolume);
    const deployNats = (file: string) => readFileSync(join(ROOT, 'deploy', 'nats', file), 'utf8');
    expect(files['authorization.conf']).toBe(deployNats('authorization.conf'));
    const chaosCluster = deployNats('cluster.conf');
    expect(chaosCluster).toMatch(/^include \.\/nats-server\.conf$/m);
    expect(deployNats('nats-server.conf')).toMatch(/^include \.\/authorization\.conf$/m);
    const clusterName = (text: string) => /cluster\s*\{[^}]*?name:\s*(\S+)/s.exec(text)?.[1];
    const prodConfig = Object.values(files).find((text) => /cluster\s*\{/.test(text)) ?? '';
    expect(clusterName(chaosCluster)).toBe(clusterName(prodConfig));
    expect(clusterName(chaosCluster)).toBeDefined();
  });

  it('runs PostgreSQL as a CloudNativePG cluster of three that creates the four databases', () => {
    const clusters = prod.resources.filter((r) => r.kind === 'Cluster' && r.apiVersion === 'postgresql.cnpg.io/v1');
    expect(clusters).toHaveLength(1);
    const [cluster] = clusters;
    expect(cluster.spec.instances).toBe(3);
    const created = [
      cluster.spec.bootstrap?.initdb?.database,
      ...prod.resources
        .filter(
          (r) =>
            r.kind === 'Database' &&
            r.apiVersion === 'postgresql.cnpg.io/v1' &&
            r.spec.cluster?.name === cluster.metadata.name,
        )
        .map((r) => r.spec.name),
    ];
    const expected = serviceDatabaseUrls.map((v) => new URL(v.value).pathname.slice(1));
    expect(created.sort()).toEqual(expected.sort());
    expect(find(prod, 'StatefulSet', 'postgres')).toBeUndefined();
  });

  it('runs Redis on a persistent volume', () => {
    const redis = get(prod, 'StatefulSet', 'redis');
    expect((redis.spec.volumeClaimTemplates ?? []).length).toBeGreaterThan(0);
    expect(redis.spec.template.spec.containers[0].args).toContain('--appendonly');
  });
});

/** Where the policies expect the ingress controller and the CloudNativePG operator (README: adjust them). */
const INGRESS_CONTROLLER_NAMESPACE = 'ingress-nginx';
const CNPG_OPERATOR_NAMESPACE = 'cnpg-system';
/** A public address (TEST-NET-3), one of a private range, and the cluster DNS. */
const INTERNET_ADDRESS = '203.0.113.10';
const PRIVATE_ADDRESS = '10.1.2.3';
const KUBE_DNS: Peer = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };

describe.each(BUILDS)('overlay %s: the Ingress and the NetworkPolicies', (overlay, build) => {
  const { resources } = build;
  const namespace = build.resources.find((r) => r.kind === 'Namespace')?.metadata?.name as string;
  const podOf = (kind: string, name: string): Peer => ({
    namespace,
    labels: get(build, kind, name).spec.template.metadata.labels,
  });
  const service = (name: AppService) => podOf('Deployment', name);
  const migrate = podOf('Job', 'migrate');
  const prometheus = podOf('Deployment', 'prometheus');
  /** The pods of PostgreSQL: dev's StatefulSet, or prod's CloudNativePG instances (labelled with their Cluster). */
  const cnpg = build.resources.find((r) => r.kind === 'Cluster' && r.apiVersion === 'postgresql.cnpg.io/v1');
  const database: Target = cnpg
    ? { namespace, labels: { 'cnpg.io/cluster': cnpg.metadata.name, 'cnpg.io/podRole': 'instance' }, port: 5432 }
    : {
        ...podOf('StatefulSet', 'postgres'),
        port: containerPort(
          get(build, 'StatefulSet', 'postgres').spec.template.spec.containers[0],
          get(build, 'Service', 'postgres').spec.ports[0].targetPort,
        )!,
      };
  const urlPort = (service: AppService, variable: string) =>
    Number(new URL(valueOf(build, appContainer(build, service), variable) ?? '').port);
  const nats: Target = { ...podOf('StatefulSet', 'nats'), port: urlPort('order', 'NATS_URL') };
  const redis: Target = { ...podOf('StatefulSet', 'redis'), port: urlPort('gateway', 'REDIS_URL') };
  const usesDatabase = (name: AppService) =>
    variablesReadBy(name, example).includes(`${name.toUpperCase()}_DATABASE_URL`);
  const metricsPort = (name: AppService) =>
    Number(
      get(build, 'Service', name === 'gateway' ? 'gateway-internal' : name).metadata.annotations['prometheus.io/port'],
    );
  const gatewayPort = Number(valueOf(build, appContainer(build, 'gateway'), 'GATEWAY_PORT'));
  /** The provider's port: that of PAYMENT_PROVIDER_URL when a cluster sets one, https's otherwise. */
  const providerUrl = valueOf(build, appContainer(build, 'payment'), 'PAYMENT_PROVIDER_URL') ?? '';
  const providerPort = providerUrl ? Number(new URL(providerUrl).port || 443) : 443;
  const workloads = build.resources.filter((r) => ['Deployment', 'StatefulSet', 'Job'].includes(r.kind));

  it('writes every Ingress and NetworkPolicy by the fields of networking.k8s.io/v1', () => {
    const networking = resources.filter((r) => r.kind === 'Ingress' || r.kind === 'NetworkPolicy');
    expect(networking.length).toBeGreaterThan(2);
    expect(networking.flatMap(networkingProblems)).toEqual([]);
  });

  it('isolates every pod of the namespace for ingress and egress, then allows what each needs', () => {
    const denyAll = resources.filter(
      (r) =>
        r.kind === 'NetworkPolicy' &&
        r.metadata.namespace === namespace &&
        Object.keys(r.spec.podSelector ?? {}).length === 0 &&
        ['Ingress', 'Egress'].every((type) => r.spec.policyTypes?.includes(type)) &&
        !r.spec.ingress?.length &&
        !r.spec.egress?.length,
    );
    expect(denyAll).toHaveLength(1);
    // Nothing that no rule names: redis to NATS, a service to another's port, anyone to the API.
    expect(reachable(resources, redis, nats)).toBe(false);
    expect(reachable(resources, service('order'), { ...service('inventory'), port: DEFAULT_PORTS.inventory })).toBe(
      false,
    );
    expect(reachable(resources, service('gateway'), { ...service('order'), port: DEFAULT_PORTS.order })).toBe(false);
    expect(reachable(resources, { namespace: 'default' }, { ...service('order'), port: DEFAULT_PORTS.order })).toBe(
      false,
    );
  });

  it('lets every pod resolve names through kube-dns, over UDP and TCP 53, and nothing else in kube-system', () => {
    expect(workloads.length).toBeGreaterThan(6);
    for (const workload of workloads) {
      const pod = { namespace, labels: workload.spec.template.metadata.labels };
      const name = workload.metadata.name;
      expect([name, reachable(resources, pod, { ...KUBE_DNS, port: 53, protocol: 'UDP' })]).toEqual([name, true]);
      expect([name, reachable(resources, pod, { ...KUBE_DNS, port: 53 })]).toEqual([name, true]);
      expect([name, reachable(resources, pod, { namespace: 'kube-system', port: 53, protocol: 'UDP' })]).toEqual([
        name,
        false,
      ]);
    }
  });

  it.each(APP_SERVICES)('lets %s reach NATS on its client port, and no other port of NATS', (name) => {
    expect(reachable(resources, service(name), nats)).toBe(true);
    expect(reachable(resources, service(name), { ...nats, port: 8222 })).toBe(false);
  });

  it.each(APP_SERVICES)('lets %s reach the PostgreSQL pods if it has a database, else not', (name) => {
    expect(usesDatabase(name)).toBe(name !== 'gateway');
    expect(reachable(resources, service(name), database)).toBe(usesDatabase(name));
  });

  it.each(APP_SERVICES)('lets %s reach Redis only if it is the gateway', (name) => {
    expect(reachable(resources, service(name), redis)).toBe(name === 'gateway');
  });

  it.each(APP_SERVICES)(
    'lets %s reach an internet address only if it is payment (the provider), and never a private one',
    (name) => {
      const internet = { ip: INTERNET_ADDRESS, port: providerPort };
      expect(reachable(resources, service(name), internet)).toBe(name === 'payment');
      expect(reachable(resources, service(name), { ...internet, port: 80 })).toBe(false);
      expect(reachable(resources, service(name), { ip: PRIVATE_ADDRESS, port: providerPort })).toBe(false);
      expect(reachable(resources, service(name), { ...service('order'), port: providerPort })).toBe(false);
    },
  );

  it('lets the migration Job reach the PostgreSQL pods and DNS, and nothing else', () => {
    expect(reachable(resources, migrate, database)).toBe(true);
    expect(reachable(resources, migrate, nats)).toBe(false);
    expect(reachable(resources, migrate, redis)).toBe(false);
    expect(reachable(resources, migrate, { ip: INTERNET_ADDRESS, port: 443 })).toBe(false);
  });

  it('lets nothing but the database clients reach PostgreSQL, and none but the gateway Redis', () => {
    for (const pod of [redis, nats, prometheus, podOf('Deployment', 'grafana')]) {
      expect(reachable(resources, pod, database)).toBe(false);
    }
    expect(reachable(resources, migrate, redis)).toBe(false);
    expect(reachable(resources, { namespace: INGRESS_CONTROLLER_NAMESPACE }, redis)).toBe(false);
  });

  it.each(APP_SERVICES)(
    "lets the ingress controller's namespace reach %s on the gateway's public port only",
    (name) => {
      const controller = { namespace: INGRESS_CONTROLLER_NAMESPACE };
      const ports = (get(build, 'Deployment', name).spec.template.spec.containers[0].ports as Resource[]).map(
        (p) => p.containerPort as number,
      );
      for (const port of ports) {
        expect([port, reachable(resources, controller, { ...service(name), port })]).toEqual([
          port,
          name === 'gateway' && port === gatewayPort,
        ]);
        // Nor from any other namespace, or from the namespace's own pods.
        expect([port, reachable(resources, { namespace: 'default' }, { ...service(name), port })]).toEqual([
          port,
          false,
        ]);
        expect([port, reachable(resources, redis, { ...service(name), port })]).toEqual([port, false]);
      }
    },
  );

  it.each(APP_SERVICES)('lets Prometheus scrape %s on its metrics port, and only Prometheus', (name) => {
    const target = { ...service(name), port: metricsPort(name) };
    expect(reachable(resources, prometheus, target)).toBe(true);
    expect(reachable(resources, podOf('Deployment', 'grafana'), target)).toBe(false);
    expect(reachable(resources, { namespace: INGRESS_CONTROLLER_NAMESPACE }, target)).toBe(false);
  });

  it('lets Grafana query Prometheus, and Prometheus discover its targets from the API server', () => {
    const grafana = podOf('Deployment', 'grafana');
    const port = get(build, 'Deployment', 'prometheus').spec.template.spec.containers[0].ports[0].containerPort;
    expect(reachable(resources, grafana, { ...prometheus, port })).toBe(true);
    expect(reachable(resources, service('order'), { ...prometheus, port })).toBe(false);
    expect(reachable(resources, prometheus, { ip: PRIVATE_ADDRESS, port: 6443 })).toBe(true);
  });

  it("routes the Ingress to the gateway's public port only, on a class and a host of the README", () => {
    const ingresses = resources.filter((r) => r.kind === 'Ingress');
    expect(ingresses).toHaveLength(1);
    const [ingress] = ingresses;
    expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
    expect(ingress.spec.defaultBackend).toBeUndefined();
    const container = appContainer(build, 'gateway');
    const backends = (ingress.spec.rules as Resource[]).flatMap((rule) =>
      (rule.http.paths as Resource[]).map((path) => path.backend.service),
    );
    expect(backends.length).toBeGreaterThan(0);
    for (const backend of backends) {
      const target = get(build, 'Service', backend.name);
      const port = (target.spec.ports as Resource[]).find((p) =>
        backend.port.name !== undefined ? p.name === backend.port.name : p.port === backend.port.number,
      );
      expect(selects(target.spec.selector, get(build, 'Deployment', 'gateway').spec.template.metadata.labels)).toBe(
        true,
      );
      expect(containerPort(container, port?.targetPort ?? port?.port)).toBe(gatewayPort);
    }
    expect(gatewayPort).toBe(DEFAULT_PORTS.gateway);
    expect(gatewayPort).not.toBe(DEFAULT_INTERNAL_PORT);
    // A certificate, where there is one, for the hosts that are routed.
    const hosts = (ingress.spec.rules as Resource[]).map((rule) => rule.host);
    for (const tls of ingress.spec.tls ?? []) expect(hosts).toEqual(expect.arrayContaining(tls.hosts));
    expect((ingress.spec.tls ?? []).length).toBe(overlay === 'prod' ? 1 : 0);
    const readme = readFileSync(join(K8S, 'README.md'), 'utf8');
    expect(readme).toContain(`ingressClassName: ${ingress.spec.ingressClassName}`);
    for (const rule of ingress.spec.rules)
      expect([overlay, readme.includes(`\`${rule.host}\``)]).toEqual([overlay, true]);
  });

  it('names in the README the namespaces the policies let in: the ingress controller, the operator', () => {
    const readme = readFileSync(join(K8S, 'README.md'), 'utf8');
    expect(readme).toContain(`\`${INGRESS_CONTROLLER_NAMESPACE}\``);
    expect(readme).toContain(`\`${CNPG_OPERATOR_NAMESPACE}\``);
  });

  if (cnpg) {
    it("lets the CloudNativePG operator's namespace reach the instances on 8000 and 5432, and each other on 5432", () => {
      const operator = { namespace: CNPG_OPERATOR_NAMESPACE };
      expect(reachable(resources, operator, { ...database, port: 8000 })).toBe(true);
      expect(reachable(resources, operator, database)).toBe(true);
      expect(reachable(resources, { namespace: 'default' }, { ...database, port: 8000 })).toBe(false);
      expect(reachable(resources, database, database)).toBe(true);
      expect(reachable(resources, database, { ...database, port: 8000 })).toBe(false);
      expect(reachable(resources, database, nats)).toBe(false);
      expect(reachable(resources, database, { ip: PRIVATE_ADDRESS, port: 443 })).toBe(true);
    });
  }

  it("lets NATS pods reach each other on the cluster's route port, where there is one", () => {
    const text = Object.values(find(build, 'ConfigMap', 'nats-config')?.data ?? {}).join('\n');
    const routePort = Number(/cluster\s*\{[^}]*?port:\s*(\d+)/s.exec(text)?.[1]);
    expect(Number.isNaN(routePort)).toBe(overlay === 'dev');
    if (!Number.isNaN(routePort)) {
      expect(reachable(resources, nats, { ...nats, port: routePort })).toBe(true);
      expect(reachable(resources, service('order'), { ...nats, port: routePort })).toBe(false);
    }
  });
});

describe('the kustomize reader used by these tests', () => {
  it('applies JSON patches and images like kustomize', () => {
    const resource: Resource = { spec: { replicas: 1, template: { spec: {} } } };
    applyJsonPatch(resource, [
      { op: 'replace', path: '/spec/replicas', value: 2 },
      { op: 'add', path: '/spec/template/spec/x', value: [1] },
    ]);
    expect(resource).toEqual({ spec: { replicas: 2, template: { spec: { x: [1] } } } });
    expect(() => applyJsonPatch(resource, [{ op: 'replace', path: '/spec/missing', value: 1 }])).toThrow();
    expect(withImage('zhongtai-order', [{ name: 'zhongtai-order', newName: 'r.example/z', newTag: '1' }])).toBe(
      'r.example/z:1',
    );
  });
});

describe('the NetworkPolicy reader used by these tests', () => {
  const pod = { labels: { 'app.kubernetes.io/name': 'order' }, namespace: 'zhongtai' };
  const collector = { namespace: 'observability', port: OTLP_HTTP_PORT };
  const policy = (spec: Resource): Resource => ({
    kind: 'NetworkPolicy',
    metadata: { name: 'p', namespace: 'zhongtai' },
    spec: { podSelector: {}, policyTypes: ['Egress'], ...spec },
  });
  const toObservability = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } };

  it('allows egress where no policy restricts it, and where one does, only what a rule allows', () => {
    expect(egressAllowed([], pod, collector)).toBe(true);
    expect(egressAllowed([policy({ policyTypes: ['Ingress'] })], pod, collector)).toBe(true);
    expect(egressAllowed([policy({})], pod, collector)).toBe(false);
    expect(egressAllowed([policy({ egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] })], pod, collector)).toBe(
      false,
    );
    expect(
      egressAllowed([policy({ egress: [{ to: [toObservability], ports: [{ port: 4317 }] }] })], pod, collector),
    ).toBe(false);
    expect(egressAllowed([policy({ egress: [{ to: [{ podSelector: {} }] }] })], pod, collector)).toBe(false);
    expect(
      egressAllowed([policy({ egress: [{ to: [toObservability], ports: [{ port: 4318 }] }] })], pod, collector),
    ).toBe(true);
    expect(egressAllowed([policy({ egress: [{}] })], pod, collector)).toBe(true);
    // A policy of another namespace, or for other pods, restricts nothing here.
    expect(egressAllowed([{ ...policy({}), metadata: { name: 'p', namespace: 'other' } }], pod, collector)).toBe(true);
    expect(
      egressAllowed(
        [policy({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gateway' } } })],
        pod,
        collector,
      ),
    ).toBe(true);
  });

  it('reads both ends: egress of the source and ingress of the target, selectors with expressions', () => {
    const ingress = (spec: Resource): Resource => policy({ policyTypes: ['Ingress'], ...spec });
    const gateway = { namespace: 'zhongtai', labels: { 'app.kubernetes.io/name': 'gateway' }, port: 3000 };
    const controller = { namespace: 'ingress-nginx' };
    const fromController = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } };
    expect(reachable([], controller, gateway)).toBe(true);
    expect(reachable([ingress({})], controller, gateway)).toBe(false);
    expect(
      reachable([ingress({ ingress: [{ from: [fromController], ports: [{ port: 3000 }] }] })], controller, gateway),
    ).toBe(true);
    expect(
      reachable([ingress({ ingress: [{ from: [fromController], ports: [{ port: 3000 }] }] })], controller, {
        ...gateway,
        port: 9464,
      }),
    ).toBe(false);
    expect(reachable([ingress({ ingress: [{ from: [{ podSelector: {} }] }] })], controller, gateway)).toBe(false);
    // The source's egress counts as well as the target's ingress.
    const both = [policy({}), ingress({ ingress: [{}] })];
    expect(reachable(both, pod, gateway)).toBe(false);
    const expression = { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['order'] }] };
    const toOrder = [policy({ egress: [{ to: [{ podSelector: expression }] }] })];
    expect(reachable(toOrder, gateway, { ...pod, port: 1 })).toBe(true);
    expect(reachable(toOrder, pod, gateway)).toBe(false);
    expect(policySelects({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['b'] }] }, { a: 'b' })).toBe(
      false,
    );
    expect(policySelects({ matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, {})).toBe(true);
  });

  it('reads ipBlocks with their exceptions, and protocols', () => {
    const publicRange = { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '192.168.0.0/16'] } };
    const toPublic = [policy({ egress: [{ to: [publicRange], ports: [{ port: 443 }] }] })];
    expect(egressAllowed(toPublic, pod, { ip: '203.0.113.10', port: 443 })).toBe(true);
    expect(egressAllowed(toPublic, pod, { ip: '10.1.2.3', port: 443 })).toBe(false);
    expect(egressAllowed(toPublic, pod, { ip: '192.168.7.1', port: 443 })).toBe(false);
    expect(egressAllowed(toPublic, pod, { ip: '203.0.113.10', port: 80 })).toBe(false);
    // A pod of the namespace has a private address: the excepted block does not cover it.
    expect(egressAllowed(toPublic, pod, { ...pod, port: 443 })).toBe(false);
    expect(egressAllowed(toPublic, pod, { ip: '203.0.113.10', port: 443, protocol: 'UDP' })).toBe(false);
    expect(inCidr('172.31.255.255', '172.16.0.0/12')).toBe(true);
    expect(inCidr('172.32.0.0', '172.16.0.0/12')).toBe(false);
    const dns = [policy({ egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] })];
    expect(egressAllowed(dns, pod, { namespace: 'kube-system', port: 53, protocol: 'UDP' })).toBe(true);
    expect(egressAllowed(dns, pod, { namespace: 'kube-system', port: 53 })).toBe(false);
  });

  it('finds the fields networking.k8s.io/v1 does not have', () => {
    const valid = policy({ egress: [{ to: [{ podSelector: {} }], ports: [{ port: 53, protocol: 'UDP' }] }] });
    expect(networkingProblems({ ...valid, apiVersion: 'networking.k8s.io/v1' })).toEqual([]);
    const broken = (spec: Resource) => networkingProblems({ ...policy(spec), apiVersion: 'networking.k8s.io/v1' });
    expect(broken({ egress: [{ from: [{}] }] })).not.toEqual([]);
    expect(broken({ egress: [{ ports: [{ port: 53, protocol: 'ICMP' }] }] })).not.toEqual([]);
    expect(broken({ egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' }, podSelector: {} }] }] })).not.toEqual([]);
    expect(broken({ policyTypes: ['Egres'] })).not.toEqual([]);
    expect(networkingProblems({ ...valid, apiVersion: 'extensions/v1beta1' })).not.toEqual([]);
    const ingress = (path: Resource) => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'i' },
      spec: { rules: [{ host: 'h', http: { paths: [path] } }] },
    });
    const backend = { service: { name: 'gateway', port: { number: 3000 } } };
    expect(networkingProblems(ingress({ path: '/', pathType: 'Prefix', backend }))).toEqual([]);
    expect(networkingProblems(ingress({ path: '/', backend }))).not.toEqual([]);
    expect(
      networkingProblems(ingress({ path: '/', pathType: 'Prefix', backend: { serviceName: 'gateway' } })),
    ).not.toEqual([]);
  });

  it('reads the Services of cluster DNS names', () => {
    expect(clusterService('otel-collector.observability.svc', 'zhongtai')).toEqual({
      name: 'otel-collector',
      namespace: 'observability',
    });
    expect(clusterService('tempo.monitoring.svc.cluster.local', 'zhongtai')).toEqual({
      name: 'tempo',
      namespace: 'monitoring',
    });
    expect(clusterService('jaeger', 'zhongtai')).toEqual({ name: 'jaeger', namespace: 'zhongtai' });
    expect(clusterService('collector.example.com', 'zhongtai')).toBeUndefined();
  });
});

describe('the OTLP endpoint of docker-compose.yml and of the prod overlay', () => {
  it('is the same kind: OTLP/HTTP on 4318, the base URL the services append /v1/traces to', () => {
    const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as Record<string, Resource>;
    const endpoints = {
      compose: String(compose['x-service-env']?.OTEL_EXPORTER_OTLP_ENDPOINT),
      prod: String(valueOf(OVERLAYS.prod, appContainer(OVERLAYS.prod, 'order'), 'OTEL_EXPORTER_OTLP_ENDPOINT')),
    };
    for (const [where, endpoint] of Object.entries(endpoints)) {
      const url = new URL(endpoint);
      expect([where, url.protocol, Number(url.port), url.pathname]).toEqual([where, 'http:', OTLP_HTTP_PORT, '/']);
    }
  });
});

describe('deploy/k8s/README.md, checked against the manifests', () => {
  const readme = readFileSync(join(K8S, 'README.md'), 'utf8');
  /** The shell commands of the README's sh blocks, continuation lines joined, comments dropped. */
  const commands = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((block) => block[1].replace(/\s*\\\n\s*/g, ' ').split('\n'))
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line && !line.startsWith('#'));
  const namespaces = new Map(
    BUILDS.map(([, build]) => [build.resources.find((r) => r.kind === 'Namespace')?.metadata?.name as string, build]),
  );
  const KINDS: Record<string, string> = {
    deployment: 'Deployment',
    statefulset: 'StatefulSet',
    job: 'Job',
    svc: 'Service',
    hpa: 'HorizontalPodAutoscaler',
  };
  const kubectl = commands.filter((line) => /^kubectl -n /.test(line));
  /** Every key of zhongtai-secrets a workload (Deployment, StatefulSet, Job) of prod reads, and whether optionally. */
  const referenced = new Map<string, boolean>();
  for (const resource of OVERLAYS.prod.resources) {
    for (const spec of podSpecs(resource)) {
      for (const container of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
        for (const variable of container.env ?? []) {
          const ref = variable.valueFrom?.secretKeyRef;
          if (ref?.name === SECRET_NAME) {
            referenced.set(ref.key, (referenced.get(ref.key) ?? true) && ref.optional === true);
          }
        }
      }
    }
  }
  const createSecret = commands.filter((line) => line.includes('create secret generic'));
  const secretKeys = createSecret.flatMap((line) =>
    [...line.matchAll(/--from-literal=([A-Z0-9_]+)=/g)].map((m) => m[1]),
  );

  it('creates zhongtai-secrets in the prod namespace, once', () => {
    expect(createSecret).toHaveLength(1);
    expect(createSecret[0]).toMatch(
      new RegExp(
        `^kubectl -n ${OVERLAYS.prod.resources.find((r) => r.kind === 'Namespace')?.metadata?.name} create secret generic ${SECRET_NAME} `,
      ),
    );
  });

  it('names in `kubectl create secret` only keys that a Deployment, StatefulSet or Job reads', () => {
    expect(secretKeys.length).toBeGreaterThan(0);
    expect(new Set(secretKeys).size).toBe(secretKeys.length);
    expect(secretKeys.filter((key) => !referenced.has(key))).toEqual([]);
  });

  it('names in `kubectl create secret` every key that is read without `optional`', () => {
    const required = [...referenced].filter(([, optional]) => !optional).map(([key]) => key);
    expect(required.filter((key) => !secretKeys.includes(key))).toEqual([]);
    expect([...required].sort()).toEqual([...SECRET_VARIABLES].sort());
  });

  it('names only namespaces, workloads and Services of an overlay, and Service ports that exist', () => {
    expect(kubectl.length).toBeGreaterThan(10);
    for (const line of kubectl) {
      const namespace = /^kubectl -n (\S+)/.exec(line)![1];
      if (namespace === 'kube-system') continue;
      const build = namespaces.get(namespace);
      expect([line, build !== undefined]).toEqual([line, true]);
      for (const [, kind, name] of line.matchAll(/\b(deployment|statefulset|job|svc|hpa)\/([a-z0-9-]+)/g)) {
        expect([line, !!find(build!, KINDS[kind], name)]).toEqual([line, true]);
      }
      const hpa = /\bpatch hpa ([a-z0-9-]+)/.exec(line);
      if (hpa) expect([line, !!find(build!, 'HorizontalPodAutoscaler', hpa[1])]).toEqual([line, true]);
      const forward = /port-forward svc\/([a-z0-9-]+) \d+:(\d+)/.exec(line);
      if (forward) {
        const ports = get(build!, 'Service', forward[1]).spec.ports.map((p: Resource) => p.port);
        expect([line, ports.includes(Number(forward[2]))]).toEqual([line, true]);
      }
      const image = /set image deployment\/([a-z0-9-]+) ([a-z0-9-]+)=([a-z0-9-]+):/.exec(line);
      if (image) {
        const containers = get(build!, 'Deployment', image[1]).spec.template.spec.containers;
        expect([line, containers.map((c: Resource) => c.name)]).toEqual([line, [image[2]]]);
        expect([line, containers[0].image.split(':')[0]]).toEqual([line, image[3]]);
      }
    }
  });

  it('forwards the gateway API port, not the internal one, for the checkout', () => {
    const forward = kubectl.find((line) => line.includes('port-forward svc/gateway '));
    expect(forward).toBe(`kubectl -n zhongtai-dev port-forward svc/gateway 3000:${DEFAULT_PORTS.gateway}`);
    expect(readme).toContain('curl -s -X POST http://127.0.0.1:3000/checkout');
  });

  it('builds and loads into kind every image the dev overlay runs', () => {
    const images = new Set<string>();
    for (const resource of OVERLAYS.dev.resources) {
      for (const spec of podSpecs(resource)) {
        for (const container of spec.containers ?? []) {
          if (container.image.startsWith('zhongtai-')) images.add(container.image);
        }
      }
    }
    const load = commands.find((line) => line.startsWith('kind load docker-image --name zhongtai zhongtai-gateway '));
    expect(load).toBeDefined();
    for (const image of images) expect([image, load!.split(' ').includes(image)]).toEqual([image, true]);
    expect(commands).toContain('kubectl apply -k deploy/k8s/overlays/dev');
    expect(commands).toContain('kubectl -n zhongtai-dev wait --for=condition=complete job/migrate --timeout=300s');
  });
});

/** The Kubernetes API's own schemas (kubernetes-models), by apiVersion and kind. */
const API_MODELS: Record<string, new (data: never) => { validate(): void }> = Object.fromEntries(
  [
    Deployment,
    StatefulSet,
    HorizontalPodAutoscaler,
    Job,
    Ingress,
    NetworkPolicy,
    PodDisruptionBudget,
    Role,
    RoleBinding,
    ConfigMap,
    Namespace,
    Secret,
    Service,
    ServiceAccount,
  ].map((model) => [`${model.apiVersion}/${model.kind}`, model]),
);

/** CloudNativePG's kinds: no schema offline; their own checks are above. */
const CUSTOM_KINDS = new Set(['postgresql.cnpg.io/v1/Cluster', 'postgresql.cnpg.io/v1/Database']);

function schemaProblems(resource: Resource): string[] {
  const Model = API_MODELS[`${resource.apiVersion}/${resource.kind}`];
  if (!Model) return [`${resource.apiVersion}/${resource.kind} has no schema here`];
  try {
    new Model(resource as never).validate();
    return [];
  } catch (error) {
    return [`${resource.kind}/${resource.metadata?.name}: ${error instanceof Error ? error.message : String(error)}`];
  }
}

describe.each(BUILDS)('the %s overlay, against the Kubernetes API schemas', (_name, build) => {
  it('has every object of a core API group valid by its schema', () => {
    const core = build.resources.filter((r) => !CUSTOM_KINDS.has(`${r.apiVersion}/${r.kind}`));
    expect(core.length).toBeGreaterThan(30);
    expect(core.flatMap(schemaProblems)).toEqual([]);
  });
});

describe('the schema check', () => {
  const deployment = () => structuredClone(get(OVERLAYS.prod, 'Deployment', 'order'));

  it('accepts a Deployment of the overlay as it is', () => {
    expect(schemaProblems(deployment())).toEqual([]);
  });

  it('refuses a mistyped field, a missing required one and an unknown kind', () => {
    const mistyped = deployment();
    mistyped.spec.replicas = 'two';
    expect(schemaProblems(mistyped)).toEqual([expect.stringContaining('replicas')]);
    const nameless = deployment();
    delete nameless.spec.template.spec.containers[0].name;
    expect(schemaProblems(nameless)).toEqual([expect.stringContaining('name')]);
    expect(schemaProblems({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'x' } })).toEqual([
      'apps/v1/Deploymnet has no schema here',
    ]);
  });
});
