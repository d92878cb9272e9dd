import { ConfigError } from '@zhongtai/platform';
import { loadProviderConfig, ProviderConfig } from './provider.config';
import { startProvider } from './provider-app';

function configOrExit(): ProviderConfig {
  try {
    return loadProviderConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`provider: ${error.message}\n`);
    process.exit(1);
  }
}

startProvider(configOrExit()).catch((error: unknown) => {
  process.stderr.write(`provider: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
