/**
 * `accelevents.webhook` with every default filled in, and the mapping compiled once (paths parsed,
 * aliases lower-cased) so each delivery only walks objects. The file config is validated with line
 * numbers by the config loader (src/app/load-file-config.ts, schema in webhook-settings.ts); `compileMapping` checks again for
 * settings built in code, naming the key.
 */

import { type PathSegment, parsePath } from '../lib/json-path.js';
import {
  DEFAULT_FIELD_CANDIDATES,
  DEFAULT_PEOPLE_LISTS,
  DEFAULT_PURCHASER_PATHS,
  DEFAULT_TOPIC_ALIASES,
  DEFAULT_TOPIC_HEADERS,
  DEFAULT_TOPIC_PATHS,
} from './default-mapping.js';
import { IntakeError } from './intake-error.js';
import { isIntakeTopic } from './topics.js';
import type { AcceleventsWebhookSettings } from './webhook-settings.js';
import { INTAKE_TOPICS, type IntakeTopic, MAPPED_FIELDS, type MappedFieldName } from './webhook-vocabulary.js';

export interface HmacSettings {
  /** Lower-case header name. */
  header: string;
  secretEnv: string;
  algorithm: 'sha256';
  encoding: 'hex' | 'base64';
}

export interface AcceleventsWebhookConfig {
  hmac: HmacSettings | null;
  /** Lower-case header name, or null. */
  deliveryIdHeader: string | null;
  refetch: boolean;
  people: { lists: string[]; purchaser: string[]; welcomePurchaser: boolean };
  topic: { paths: string[]; headers: string[]; aliases: Record<string, IntakeTopic>; matchWords: boolean };
  fields: Record<MappedFieldName, string[]>;
}

export interface CompiledCandidate {
  path: string;
  segments: PathSegment[];
}

export interface PayloadMapping {
  topicPaths: CompiledCandidate[];
  topicHeaders: string[];
  /** Keys lower-case. */
  aliases: Map<string, IntakeTopic>;
  matchWords: boolean;
  fields: Record<MappedFieldName, CompiledCandidate[]>;
  peopleLists: CompiledCandidate[];
  purchaserPaths: CompiledCandidate[];
  welcomePurchaser: boolean;
}

export function resolveWebhookConfig(settings: AcceleventsWebhookSettings = {}): AcceleventsWebhookConfig {
  const fields = { ...DEFAULT_FIELD_CANDIDATES };
  for (const field of MAPPED_FIELDS) {
    const given = settings.fields?.[field];
    if (given) fields[field] = [...given];
  }
  return {
    hmac: settings.hmac
      ? {
          header: settings.hmac.header.toLowerCase(),
          secretEnv: settings.hmac.secretEnv,
          algorithm: settings.hmac.algorithm ?? 'sha256',
          encoding: settings.hmac.encoding ?? 'hex',
        }
      : null,
    deliveryIdHeader: settings.deliveryIdHeader?.toLowerCase() ?? null,
    refetch: settings.refetch ?? false,
    people: {
      lists: [...(settings.people?.lists ?? DEFAULT_PEOPLE_LISTS)],
      purchaser: [...(settings.people?.purchaser ?? DEFAULT_PURCHASER_PATHS)],
      welcomePurchaser: settings.people?.welcomePurchaser ?? false,
    },
    topic: {
      paths: [...(settings.topic?.paths ?? DEFAULT_TOPIC_PATHS)],
      headers: (settings.topic?.headers ?? DEFAULT_TOPIC_HEADERS).map((h) => h.toLowerCase()),
      aliases: { ...DEFAULT_TOPIC_ALIASES, ...settings.topic?.aliases },
      matchWords: settings.topic?.matchWords ?? true,
    },
    fields,
  };
}

function compilePaths(key: string, paths: readonly string[]): CompiledCandidate[] {
  return paths.map((path, index) => {
    const segments = parsePath(path);
    if (!segments) {
      throw new IntakeError(
        'invalid_mapping',
        `accelevents.webhook.${key}[${index}]: expected a dotted JSON path such as attendee.email or attendees[0].barcode, got ${JSON.stringify(path)}`,
      );
    }
    return { path, segments };
  });
}

export function compileMapping(config: AcceleventsWebhookConfig): PayloadMapping {
  const aliases = new Map<string, IntakeTopic>();
  for (const [raw, topic] of Object.entries(config.topic.aliases)) {
    if (!isIntakeTopic(topic)) {
      throw new IntakeError(
        'invalid_mapping',
        `accelevents.webhook.topic.aliases.${raw}: expected one of ${INTAKE_TOPICS.join(', ')}, got ${JSON.stringify(topic)}`,
      );
    }
    aliases.set(raw.toLowerCase(), topic);
  }
  const fields = {} as Record<MappedFieldName, CompiledCandidate[]>;
  for (const field of MAPPED_FIELDS) fields[field] = compilePaths(`fields.${field}`, config.fields[field] ?? []);
  return {
    topicPaths: compilePaths('topic.paths', config.topic.paths),
    topicHeaders: config.topic.headers,
    aliases,
    matchWords: config.topic.matchWords,
    fields,
    peopleLists: compilePaths('people.lists', config.people.lists),
    purchaserPaths: compilePaths('people.purchaser', config.people.purchaser),
    welcomePurchaser: config.people.welcomePurchaser,
  };
}
