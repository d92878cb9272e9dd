import { execFileSync } from 'node:child_process';

/** End-to-end tests run services (and test fixtures) as real processes, from a fresh SWC build of the tree. */
export default function globalSetup(): void {
  execFileSync('npx', ['swc', 'apps', 'libs', 'scripts', 'test', '-d', 'dist', '--config-file', '.swcrc', '--quiet'], {
    stdio: 'inherit',
  });
}
