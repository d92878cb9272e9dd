/**
 * Creates each service's database if missing and runs its migrations. Reads the same
 * `<SERVICE>_DATABASE_URL` variables as the services, and PROVIDER_DATABASE_URL for the payment
 * provider simulator where one runs.
 */
import { type DatabaseDefinition, SERVICE_NAMES } from '@zhongtai/platform';
import { providerDatabase } from '../apps/provider/src/provider.database';
import { ensureDatabase, migrate } from './lib/databases';
import { DATABASES } from './lib/services';

async function main(): Promise<void> {
  for (const service of SERVICE_NAMES) {
    const definition = DATABASES[service];
    if (!definition) continue;
    const variable = `${service.toUpperCase()}_DATABASE_URL`;
    const url = process.env[variable];
    if (!url) throw new Error(`${variable} is missing: expected a postgres:// URL`);
    await migrateDatabase(service, url, definition);
  }
  // The simulator stands in for an outside system: a deployment with a real provider (the
  // prod overlay) has no database of it, so its URL is optional here, unlike the services'.
  const providerUrl = process.env.PROVIDER_DATABASE_URL;
  if (providerUrl) await migrateDatabase('provider', providerUrl, providerDatabase);
}

async function migrateDatabase(name: string, url: string, definition: DatabaseDefinition): Promise<void> {
  const created = await ensureDatabase(url);
  const ran = await migrate(url, definition);
  const database = new URL(url).pathname.slice(1);
  process.stdout.write(
    `${name}: ${database}${created ? ' created' : ''}, ${ran.length ? `migrated (${ran.join(', ')})` : 'up to date'}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`migrate: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
