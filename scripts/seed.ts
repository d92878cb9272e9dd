/**
 * Demo data for the Quick start: a small catalogue. Idempotent: running it again changes
 * nothing that is already there (stock that was sold stays sold).
 */
import { Client } from 'pg';
import { DEMO_PRODUCTS } from './lib/demo-data';

async function seedCatalogue(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    let added = 0;
    for (const product of DEMO_PRODUCTS) {
      const result = await client.query(
        `INSERT INTO products (sku, name, price_cents, stock_on_hand) VALUES ($1, $2, $3, $4)
         ON CONFLICT (sku) DO NOTHING`,
        [product.sku, product.name, product.priceCents, product.stock],
      );
      added += result.rowCount ?? 0;
    }
    return added;
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const url = process.env.INVENTORY_DATABASE_URL;
  if (!url) throw new Error('INVENTORY_DATABASE_URL is missing: expected a postgres:// URL');
  const added = await seedCatalogue(url);
  process.stdout.write(`seed: catalogue ${added ? `${added} products added` : 'already present'}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`seed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
