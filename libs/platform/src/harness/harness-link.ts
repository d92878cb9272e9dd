import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Set by the harnesses of test/, chaos/ and bench/ (never in production). A harness picks a
 * free port before it starts a service, and another program on a shared machine may take it
 * in between; with this variable set and an IPC channel to the harness, a service whose
 * configured port is taken binds any free port instead, and reports the port it bound, so
 * that the harness talks to its own process and no other. The internal listener of a service
 * that has one (the gateway's `/metrics` and `/docs`) binds a free port chosen by the kernel
 * under the link, whatever `<SERVICE>_INTERNAL_PORT` says, and is reported the same way.
 */
export const HARNESS_LINK_VARIABLE = 'HARNESS_LINK';

/** The message a service sends its harness once its HTTP listeners are bound. */
export interface ListeningReport {
  kind: 'zhongtai.listening';
  pid: number;
  port: number;
  /** The internal listener's port, for a service that has one. */
  internalPort?: number;
}

/** The ports a service bound. */
export interface BoundPorts {
  port: number;
  internalPort?: number;
}

/** Whether this process was started by a harness of this repository (HARNESS_LINK and an IPC channel). */
export function underHarness(): boolean {
  return process.env[HARNESS_LINK_VARIABLE] === '1' && typeof process.send === 'function';
}

/**
 * Listens on the configured port; under a harness, on any free port if that one is taken.
 * `internal`, when given, is the internal listener and its configured port.
 */
export async function listenForClients(
  app: INestApplication,
  port: number,
  internal?: { server: Server; port: number },
): Promise<BoundPorts> {
  const harness = underHarness() && process.send ? process.send.bind(process) : undefined;
  try {
    await app.listen(port);
  } catch (error) {
    if (!harness || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    await app.listen(0);
  }
  const bound: BoundPorts = { port: (app.getHttpServer().address() as AddressInfo).port };
  if (internal) bound.internalPort = await listen(internal.server, harness ? 0 : internal.port);
  if (harness) {
    const report: ListeningReport = { kind: 'zhongtai.listening', pid: process.pid, ...bound };
    harness(report);
    // The link must never keep a service alive on its own.
    process.channel?.unref();
  }
  return bound;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
