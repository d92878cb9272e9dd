import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The five processes that deployment files must configure. */
export const APP_SERVICES = ['gateway', 'order', 'inventory', 'coupon', 'payment'] as const;
export type AppService = (typeof APP_SERVICES)[number];

/**
 * The processes that stand in for outside systems (apps/provider, the payment provider
 * simulator): they read no shared variable, only those named after them or under their heading.
 */
export const OUTSIDE_SYSTEMS = ['provider'] as const;
export type OutsideSystem = (typeof OUTSIDE_SYSTEMS)[number];

export interface ExampleVariable {
  name: string;
  value: string;
  /** The text of the nearest `# --- heading ---` above the variable. */
  section: string;
}

export function readEnvExample(): ExampleVariable[] {
  const variables: ExampleVariable[] = [];
  let section = '';
  for (const rawLine of readFileSync(join(resolve(__dirname, '..', '..'), '.env.example'), 'utf8').split('\n')) {
    const line = rawLine.trim();
    const heading = /^#\s*---\s*(.+?)\s*---$/.exec(line);
    if (heading) {
      section = heading[1];
      continue;
    }
    const variable = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (variable) variables.push({ name: variable[1], value: variable[2], section });
  }
  return variables;
}

/**
 * The variables one service reads, by the conventions of .env.example:
 * - everything under the heading that starts with "shared" (`# --- shared by every service ---`);
 * - everything under a heading whose first word is the service (`# --- gateway ---`);
 * - every variable named after the service (`ORDER_PORT`, `ORDER_DATABASE_URL`).
 */
export function variablesReadBy(service: AppService, example: ExampleVariable[]): string[] {
  const prefix = `${service.toUpperCase()}_`;
  return example
    .filter((variable) => {
      const firstWord = variable.section.split(/\s+/)[0].toLowerCase();
      return firstWord === 'shared' || firstWord === service || variable.name.startsWith(prefix);
    })
    .map((variable) => variable.name);
}

/** The variables an outside system's stand-in reads: named after it, or under its heading. */
export function variablesReadByOutsideSystem(system: OutsideSystem, example: ExampleVariable[]): string[] {
  const prefix = `${system.toUpperCase()}_`;
  return example
    .filter((variable) => variable.section.split(/\s+/)[0].toLowerCase() === system || variable.name.startsWith(prefix))
    .map((variable) => variable.name);
}

/** The passwords deploy/nats/authorization.conf reads from the NATS server's environment. */
export function natsServerVariables(): string[] {
  const authorization = readFileSync(
    join(resolve(__dirname, '..', '..'), 'deploy', 'nats', 'authorization.conf'),
    'utf8',
  );
  return [...authorization.matchAll(/password:\s*\$([A-Z_]+)/g)].map((match) => match[1]);
}
