import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';

/**
 * Set by the harnesses of test/, chaos/ and bench/ (never in production). A harness picks a
 * free port before it starts a service, and another program on a shared machine may take it
 * in between; with this variable set and an IPC channel to the harness, a service whose
 * configured port is taken binds any free port instead, and reports the port it bound, so
 * that the harness talks to its own process and no other.
 */
export const HARNESS_LINK_VARIABLE = 'HARNESS_LINK';

/** The message a service sends its harness once its HTTP listener is bound. */
export interface ListeningReport {
  kind: 'zhongtai.listening';
  pid: number;
  port: number;
}

/** Listens on the configured port; under a harness, on any free port if that one is taken. */
export async function listenForClients(app: INestApplication, port: number): Promise<number> {
  const harness = process.env[HARNESS_LINK_VARIABLE] === '1' && process.send ? process.send.bind(process) : undefined;
  try {
    await app.listen(port);
  } catch (error) {
    if (!harness || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    await app.listen(0);
  }
  const bound = (app.getHttpServer().address() as AddressInfo).port;
  if (harness) {
    const report: ListeningReport = { kind: 'zhongtai.listening', pid: process.pid, port: bound };
    harness(report);
    // The link must never keep a service alive on its own.
    process.channel?.unref();
  }
  return bound;
}
