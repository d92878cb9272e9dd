import { ChildProcess, spawn } from 'node:child_process';
import { HARNESS_LINK_VARIABLE, ServiceName } from '@zhongtai/platform';
import type { BoundPorts, ListeningReport } from '@zhongtai/platform';
import { entryPoint } from '../../../scripts/lib/services';

/**
 * How every harness (test/, chaos/, bench/) starts a service process without the port race:
 * a port picked free a moment ago may be taken by another program on this shared machine
 * before the service listens. The child is linked to the harness (HARNESS_LINK and an IPC
 * channel): if its port is taken it binds any free one, and it reports the port it bound.
 * The harness only ever talks to that port, and only after `/health/live` names the pid it
 * spawned. A service with an internal listener (the gateway's `/metrics` and `/docs`) binds it
 * on a port the kernel picks while linked, and reports that port too.
 */
export interface ServiceLaunchOptions {
  service: ServiceName;
  /** The port to try first (a restart tries its previous one); without it, the one in `env`. */
  port?: number;
  env: Record<string, string>;
  /** The compiled entry point; the service's own by default. */
  script?: string;
  nodeArgs?: string[];
  /** Where stdout and stderr go: 'pipe', 'ignore' or an open file descriptor. */
  output: 'pipe' | 'ignore' | number;
}

export interface LaunchedService {
  child: ChildProcess;
  /** The ports the child reported it bound; rejects if the child exits first. */
  listening: Promise<BoundPorts>;
}

export function launchService(options: ServiceLaunchOptions): LaunchedService {
  const { service, port, env, output } = options;
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? ['--enable-source-maps']), options.script ?? entryPoint(service)],
    {
      env: {
        PATH: process.env.PATH ?? '',
        ...env,
        ...(port ? { [`${service.toUpperCase()}_PORT`]: String(port) } : {}),
        [HARNESS_LINK_VARIABLE]: '1',
      },
      stdio: ['ignore', output, output, 'ipc'],
    },
  );
  const listening = new Promise<BoundPorts>((resolve, reject) => {
    child.on('message', (message: Partial<ListeningReport>) => {
      if (message.kind === 'zhongtai.listening' && message.pid === child.pid && message.port)
        resolve({ port: message.port, internalPort: message.internalPort });
    });
    child.once('exit', (code, signal) => reject(new Error(`${service} exited (${code ?? signal}) before it listened`)));
  });
  listening.catch(() => undefined);
  return { child, listening };
}

/** The pid that `/health/live` on `url` reports, undefined if nothing (or not a service of ours) answers. */
export async function pidAnswering(url: string): Promise<number | undefined> {
  try {
    const response = await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(1_500) });
    const body = (await response.json()) as { pid?: unknown };
    return typeof body.pid === 'number' ? body.pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the service on `url` is the process `pid` and ready. Any other answer on that port
 * (another program took it) counts as not ready, never as ours.
 */
export async function ownServiceReady(url: string, pid: number | undefined): Promise<boolean> {
  if (pid === undefined || (await pidAnswering(url)) !== pid) return false;
  try {
    const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1_500) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}
