/**
 * Writes the gateway's OpenAPI document to docs/openapi.json, from the gateway's own module
 * (no server is needed); `--check` only compares and exits 1 when the committed file differs.
 * Usage: `npm run docs:openapi`, or `npm run docs:openapi -- --check`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadServiceConfig, previewOpenApiDocument } from '@zhongtai/platform';
import { gatewayService } from '../apps/gateway/src/gateway.service';

const DOCUMENT = path.join(__dirname, '..', '..', 'docs', 'openapi.json');

/** The configuration is only read for its shape here: the development values of .env.example do. */
function useExampleEnvironment(): void {
  const example = readFileSync(path.join(__dirname, '..', '..', '.env.example'), 'utf8');
  for (const line of example.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match && process.env[match[1]] === undefined) process.env[match[1]] = match[2];
  }
}

async function main(): Promise<void> {
  useExampleEnvironment();
  const config = loadServiceConfig('gateway', { database: false, redis: true });
  const document = await previewOpenApiDocument(config, gatewayService.module(config), gatewayService.openApi!);
  const text = `${JSON.stringify(document, null, 2)}\n`;
  if (!process.argv.includes('--check')) {
    writeFileSync(DOCUMENT, text);
    process.stdout.write(`wrote ${path.relative(process.cwd(), DOCUMENT)}\n`);
  } else if (readFileSync(DOCUMENT, 'utf8') !== text) {
    process.stderr.write('docs/openapi.json differs from the gateway: run npm run docs:openapi\n');
    process.exitCode = 1;
  }
}

void main();
