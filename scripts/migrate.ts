/**
 * Creates each service's database if missing and runs its migrations. Reads the same
 * `<SERVICE>_DATABASE_URL` variables as the services.
 */
import { SERVICE_NAMES } from '@zhongtai/platform';
import { ensureDatabase, migrate } from './lib/databases';
import { DATABASES } from './lib/services';

async function main(): Promise<void> {
  for (const service of SERVICE_NAMES) {
    const definition = DATABASES[service];
    if (!definition) continue;
    const variable = `${service.toUpperCase()}_DATABASE_URL`;
    const url = process.env[variable];
    if (!url) throw new Error(`${variable} is missing: expected a postgres:// URL`);
    const created = await ensureDatabase(url);
    const ran = await migrate(url, definition);
    const database = new URL(url).pathname.slice(1);
    process.stdout.write(
      `${service}: ${database}${created ? ' created' : ''}, ${ran.length ? `migrated (${ran.join(', ')})` : 'up to date'}\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`migrate: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
