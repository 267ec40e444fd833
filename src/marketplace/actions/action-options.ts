/**
 * The option lists HighLevel's builder loads for a select (`fetchOptions`: a GET answering
 * `{ options: [{ label, value }] }`, https://github.com/GoHighLevel/marketplace-cli
 * src/lib/workflows/actions/guide.ts):
 * - `events`: the config's `events:` and every event parley has linked an attendee of, named as the
 *   config or Accelevents names them;
 * - `ticket-types` (optionally `?event=<url>`): the event's ticket types as Accelevents lists them
 *   (all known events' without `event`), by name, since trigger payloads carry the name.
 * Both are cached for a minute (short-cache.ts): the builder asks each time a select opens.
 */
import { MarketplaceActionError } from './action-error.js';
import { invalidRequest } from './action-request.js';
import type { ActionServices } from './action-services.js';
import { createShortCache, OPTIONS_CACHE_MS, type ShortCache } from './short-cache.js';

export const OPTION_LISTS = ['events', 'ticket-types'] as const;
const CHECK_IN_PREFIX = 'check-in:';

export interface Option {
  label: string;
  value: string;
}

export interface OptionsService {
  list(name: string, query: Record<string, unknown>): Promise<{ options: Option[] }>;
}

async function knownEvents(services: ActionServices): Promise<string[]> {
  const rows = await services.deps.db.selectFrom('attendee_links').select('event_key').distinct().execute();
  const linked = rows.map((row) =>
    row.event_key.startsWith(CHECK_IN_PREFIX) ? row.event_key.slice(CHECK_IN_PREFIX.length) : row.event_key,
  );
  return [...new Set([...services.deps.events.map((event) => event.eventUrl), ...linked])].sort();
}

async function eventName(services: ActionServices, eventUrl: string): Promise<string | null> {
  const configured = services.configuredNames.get(eventUrl);
  if (configured) return configured;
  const client = await services.deps.accelevents();
  if (!client) return null;
  try {
    return await services.eventNames.get(eventUrl, async () => (await client.getEventDetails(eventUrl)).eventName);
  } catch {
    return null;
  }
}

async function ticketTypesOf(services: ActionServices, eventUrl: string): Promise<string[]> {
  const client = await services.deps.accelevents();
  if (!client) return [];
  return (await client.listTicketTypes(eventUrl)).map((type) => type.name);
}

function eventQuery(query: Record<string, unknown>): string | null {
  const raw = query.event;
  if (raw === undefined || raw === '') return null;
  if (typeof raw !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(raw)) {
    throw invalidRequest('event: expected an Accelevents event URL slug such as devconf-2026');
  }
  return raw;
}

export function createOptionsService(services: ActionServices): OptionsService {
  const cache: ShortCache<Option[]> = createShortCache(OPTIONS_CACHE_MS, services.now);
  const log = services.deps.logger;

  async function events(): Promise<Option[]> {
    const urls = await knownEvents(services);
    const names = await Promise.all(urls.map((url) => eventName(services, url)));
    return urls.map((value, i) => ({ label: names[i] ? `${names[i]} (${value})` : value, value }));
  }

  async function ticketTypes(only: string | null): Promise<Option[]> {
    const urls = only === null ? await knownEvents(services) : [only];
    const types = new Set<string>();
    for (const url of urls) {
      try {
        for (const type of await ticketTypesOf(services, url)) types.add(type);
      } catch (error) {
        log.warn({ err: error, eventUrl: url }, 'marketplace options: Accelevents did not list the ticket types');
      }
    }
    return [...types].sort().map((type) => ({ label: type, value: type }));
  }

  return {
    async list(name, query) {
      if (name === 'events') return { options: await cache.get('events', events) };
      if (name === 'ticket-types') {
        const only = eventQuery(query);
        return { options: await cache.get(`ticket-types:${only ?? ''}`, () => ticketTypes(only)) };
      }
      throw new MarketplaceActionError(
        'unknown_options',
        `no option list named ${JSON.stringify(name)}; expected one of ${OPTION_LISTS.join(', ')}`,
      );
    },
  };
}
