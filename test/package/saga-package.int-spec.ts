import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { connect } from '@nats-io/transport-node';
import { deleteSagaStreams } from '@zhongtai/saga/testing';
import { Client } from 'pg';
import { createTestDatabase, SHARED, TestDatabase, uniqueName } from '../support/infrastructure';

const run = promisify(execFile);
const repository = resolve(__dirname, '../..');
const library = join(repository, 'libs/saga');

/** Child processes see no npm_* variables of a surrounding `npm test`. */
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('npm_')));

async function sh(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  try {
    const { stdout } = await run(command, args, { cwd, env: { ...cleanEnv, ...env }, timeout: 90_000 });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(
      `${command} ${args.join(' ')} failed in ${cwd}:\n${stderr ?? ''}\n${stdout ?? ''}\n${String(error)}`,
      {
        cause: error,
      },
    );
  }
}

/** The minimal registration of libs/saga/README.md (Install), compiled against the package's declarations. */
async function readmeRegistration(): Promise<string> {
  const readme = await readFile(join(library, 'README.md'), 'utf8');
  const install = readme.slice(readme.indexOf('## Install'));
  const block = /```ts\n(import \{ Injectable, Module \}[\s\S]*?)```/.exec(install);
  if (!block)
    throw new Error(
      'libs/saga/README.md: no registration example (```ts import { Injectable, Module } ...) under ## Install',
    );
  return block[1];
}

/** What a TypeScript consumer of the package sets: no paths, resolution through the package's exports. */
const consumerTsconfig = {
  compilerOptions: {
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'ES2022',
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  },
  files: ['shop-module.ts'],
};

interface PackResult {
  filename: string;
  files: { path: string }[];
}

interface AppResult {
  ids: Record<'completed' | 'compensated' | 'duplicated', string>;
  statuses: Record<string, string>;
  duplicateDeliveries: number;
}

/**
 * What a consumer outside this repository gets: the library built by `npm run build:saga`,
 * packed by `npm pack` from its own package.json, installed from the tarball into a scratch
 * NestJS application with no path aliases, whose peer dependencies are links to this
 * repository's node_modules (offline, and one copy of @nestjs/* for the app and the library).
 */
describe('the @zhongtai/saga package installed in an application of its own', () => {
  let work: string;
  let database: TestDatabase;
  let prefix: string;
  let packed: PackResult;
  let result: AppResult;
  let effects: Map<string, Record<string, number>>;
  let instances: Map<string, { status: string; reason: string | null }>;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'zhongtai-saga-package-'));
    prefix = uniqueName('pkg');
    database = await createTestDatabase('pkg');

    // Build and pack from a copy of the package folder, so that the working tree stays as it is.
    const staging = join(work, 'saga');
    await mkdir(staging);
    await copyFile(join(library, 'package.json'), join(staging, 'package.json'));
    await copyFile(join(library, 'README.md'), join(staging, 'README.md'));
    await sh('npm', ['run', '--silent', 'build:saga', '--', '--outDir', join(staging, 'dist')], repository);
    [packed] = JSON.parse(await sh('npm', ['pack', '--json', '--pack-destination', work], staging)) as PackResult[];

    const app = join(work, 'shop');
    await mkdir(app);
    await writeFile(
      join(app, 'package.json'),
      JSON.stringify({
        name: 'shop',
        private: true,
        type: 'module',
        dependencies: { '@zhongtai/saga': `file:../${packed.filename}` },
      }),
    );
    await sh(
      'npm',
      [
        'install',
        '--offline',
        '--legacy-peer-deps',
        '--no-package-lock',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
      ],
      app,
    );
    const installed = JSON.parse(await readFile(join(app, 'node_modules/@zhongtai/saga/package.json'), 'utf8')) as {
      peerDependencies: Record<string, string>;
    };
    for (const peer of Object.keys(installed.peerDependencies)) {
      await mkdir(dirname(join(app, 'node_modules', peer)), { recursive: true });
      await symlink(join(repository, 'node_modules', peer), join(app, 'node_modules', peer), 'dir');
    }
    await copyFile(join(__dirname, 'scratch-app/shop.mjs'), join(app, 'shop.mjs'));
    await writeFile(join(app, 'shop-module.ts'), await readmeRegistration());
    await writeFile(join(app, 'tsconfig.json'), JSON.stringify(consumerTsconfig));
    await symlink(join(repository, 'node_modules/@types'), join(app, 'node_modules/@types'), 'dir');

    const resultFile = join(work, 'result.json');
    await sh('node', ['shop.mjs'], app, {
      DATABASE_URL: database.url,
      NATS_URL: SHARED.nats,
      SUBJECT_PREFIX: prefix,
      RESULT_FILE: resultFile,
    });
    result = JSON.parse(await readFile(resultFile, 'utf8')) as AppResult;

    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const sagas = await client.query<{ id: string; status: string; reason: string | null }>(
        `SELECT id, status, failure->>'reason' AS reason FROM saga_instance`,
      );
      instances = new Map(sagas.rows.map(({ id, status, reason }) => [id, { status, reason }]));
      const entries = await client.query<{ saga_id: string; kind: string; n: number }>(
        'SELECT saga_id, kind, count(*)::int AS n FROM ledger_entries GROUP BY saga_id, kind',
      );
      effects = new Map();
      for (const { saga_id, kind, n } of entries.rows) effects.set(saga_id, { ...effects.get(saga_id), [kind]: n });
    } finally {
      await client.end();
    }
  }, 150_000);

  afterAll(async () => {
    const nats = await connect({ servers: SHARED.nats });
    await deleteSagaStreams(nats, prefix).finally(() => nats.close());
    await database?.drop();
    if (work) await rm(work, { recursive: true, force: true });
  }, 30_000);

  it('packs the compiled entry points with their declarations, and no sources or tests', () => {
    const files = packed.files.map((file) => file.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/testing/index.js',
        'dist/testing/index.d.ts',
      ]),
    );
    expect(files.filter((path) => !path.startsWith('dist/') && !['package.json', 'README.md'].includes(path))).toEqual(
      [],
    );
    expect(files.filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'))).toEqual([]);
  });

  it('type-checks the README registration against the declarations, without path aliases', async () => {
    const app = join(work, 'shop');
    const tsc = join(repository, 'node_modules/typescript/bin/tsc');
    await expect(sh('node', [tsc, '-p', 'tsconfig.json'], app)).resolves.toBe('');
  }, 60_000);

  it('completes a saga whose two steps succeed, each effect once', () => {
    const id = result.ids.completed;
    expect(result.statuses[id]).toBe('COMPLETED');
    expect(instances.get(id)).toEqual({ status: 'COMPLETED', reason: null });
    expect(effects.get(id)).toEqual({ debit: 1, ship: 1 });
  });

  it('refunds the debit once when shipping refuses', () => {
    const id = result.ids.compensated;
    expect(result.statuses[id]).toBe('COMPENSATED');
    expect(instances.get(id)).toEqual({ status: 'COMPENSATED', reason: 'OUT_OF_STOCK' });
    expect(effects.get(id)).toEqual({ debit: 1, refund: 1 });
  });

  it('debits once although the debit command was delivered twice', () => {
    const id = result.ids.duplicated;
    expect(result.duplicateDeliveries).toBeGreaterThanOrEqual(2);
    expect(instances.get(id)).toEqual({ status: 'COMPLETED', reason: null });
    expect(effects.get(id)).toEqual({ debit: 1, ship: 1 });
  });
});
