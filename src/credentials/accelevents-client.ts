/**
 * An Accelevents client for the stored connection (`parley connect accelevents`): its base URL and
 * auth presets from the connection's settings, the API key from the vault, config as the fallback.
 */

import type { AcceleventsSettings } from '../accelevents/accelevents-settings.js';
import { isAuthPreset } from '../accelevents/auth-presets.js';
import { type AcceleventsClient, createAcceleventsClient } from '../accelevents/client.js';
import type { Logger } from '../lib/create-logger.js';
import type { ConnectionRepository } from './types.js';

export async function acceleventsClientFromConnection(options: {
  repository: ConnectionRepository;
  config: { accelevents: AcceleventsSettings };
  logger: Logger;
  fetch?: typeof fetch;
}): Promise<AcceleventsClient | null> {
  const { repository, config } = options;
  const [connection] = await repository.list({ provider: 'accelevents' });
  if (!connection) return null;
  const { apiKey } = await repository.readSecrets(connection.id);
  const settings = connection.settings;
  return createAcceleventsClient({
    baseUrl: typeof settings.baseUrl === 'string' ? settings.baseUrl : config.accelevents.baseUrl,
    apiKey: apiKey ?? '',
    readAuth: isAuthPreset(settings.readAuth) ? settings.readAuth : config.accelevents.readAuth,
    writeAuth: isAuthPreset(settings.writeAuth) ? settings.writeAuth : config.accelevents.writeAuth,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    logger: options.logger,
  });
}
