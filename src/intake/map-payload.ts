/**
 * Maps an Accelevents webhook body onto our fields and topic, defensively: the payload schema and topic
 * names are undocumented (docs/accelevents-assumptions.md), so every field is a list of candidate
 * paths, the first usable value wins, and the result says which candidate matched so an admin can see
 * (and fix) what the mapping did. Pure: no I/O, no clock.
 */

import { readPath } from '../lib/json-path.js';
import type { CompiledCandidate, PayloadMapping } from './webhook-config.js';
import type { IntakeTopic } from './webhook-vocabulary.js';
import { MAPPED_FIELDS, type MappedFieldName } from './webhook-vocabulary.js';

/** Longer than any id, email, name or date; a longer value is junk and does not count as a match. */
export const MAX_FIELD_LENGTH = 1024;

export type MappedFields = Record<MappedFieldName, string | null>;

export interface MappedPayload {
  /** Ours, or null when no candidate held a value we recognise: the delivery is then stored as `ignored`. */
  topic: IntakeTopic | null;
  /** The value the topic came from (or the first topic-like value seen, when none was recognised). */
  rawTopic: string | null;
  /** How the topic was recognised: an alias entry, or the words in it. */
  topicBy: 'alias' | 'words' | null;
  fields: MappedFields;
  /** Which candidate each value came from: a path, or `header:<name>` for the topic. */
  matched: Partial<Record<MappedFieldName | 'topic', string>>;
}

export type HeaderBag = Record<string, string | string[] | undefined>;

/**
 * Strings (trimmed) and finite numbers become strings; anything else, empty, over-long or holding a NUL
 * (which no id or email has, and PostgreSQL text cannot store) is no value.
 */
export function scalarText(value: unknown): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  return text.length === 0 || text.length > MAX_FIELD_LENGTH || text.includes('\u0000') ? null : text;
}

function firstMatch(
  payload: unknown,
  candidates: readonly CompiledCandidate[],
): { value: string; path: string } | null {
  for (const candidate of candidates) {
    const value = scalarText(readPath(payload, candidate.segments));
    if (value !== null) return { value, path: candidate.path };
  }
  return null;
}

/**
 * Word rules, tried in order. A refund or cancellation is a ticket status change, never a registration;
 * an un-registration, deletion or failure is not recognised at all (stored with that reason).
 */
const STATUS_CHANGE = /refund|cancel|void|status[\s._-]*chang/i;
const NEGATIVE = /un-?regist|delet|remov|revok|fail/i;
const CHECK_IN = /check(?:ed)?[\s._-]*in/i;
const WORD_RULES: readonly [RegExp, IntakeTopic][] = [
  [/session/i, 'session_check_in'],
  [CHECK_IN, 'check_in'],
  [/purchas/i, 'ticket_purchase'],
  [/regist/i, 'registration'],
];

export function recognizeTopic(
  raw: string,
  mapping: PayloadMapping,
): { topic: IntakeTopic; by: 'alias' | 'words' } | null {
  const alias = mapping.aliases.get(raw.toLowerCase());
  if (alias) return { topic: alias, by: 'alias' };
  if (!mapping.matchWords || NEGATIVE.test(raw)) return null;
  if (STATUS_CHANGE.test(raw)) return { topic: 'ticket_status_changed', by: 'words' };
  for (const [pattern, topic] of WORD_RULES) {
    // "session" alone (session.ended, session.created) is no check-in.
    if (pattern.test(raw) && (topic !== 'session_check_in' || CHECK_IN.test(raw))) return { topic, by: 'words' };
  }
  return null;
}

function headerText(headers: HeaderBag, name: string): string | null {
  const value = headers[name];
  return scalarText(Array.isArray(value) ? value[0] : value);
}

function detectTopic(
  payload: unknown,
  headers: HeaderBag,
  mapping: PayloadMapping,
): Pick<MappedPayload, 'topic' | 'rawTopic' | 'topicBy'> & { source: string | null } {
  const seen: { raw: string; source: string }[] = [];
  for (const candidate of mapping.topicPaths) {
    const raw = scalarText(readPath(payload, candidate.segments));
    if (raw !== null) seen.push({ raw, source: candidate.path });
  }
  for (const name of mapping.topicHeaders) {
    const raw = headerText(headers, name);
    if (raw !== null) seen.push({ raw, source: `header:${name}` });
  }
  // The first candidate we recognise wins, so `type: "webhook", topic: "attendee.registered"` still maps.
  for (const { raw, source } of seen) {
    const found = recognizeTopic(raw, mapping);
    if (found) return { topic: found.topic, rawTopic: raw, topicBy: found.by, source };
  }
  const first = seen[0];
  return { topic: null, rawTopic: first?.raw ?? null, topicBy: null, source: first?.source ?? null };
}

export function mapPayload(payload: unknown, mapping: PayloadMapping, headers: HeaderBag = {}): MappedPayload {
  const fields = {} as MappedFields;
  const matched: MappedPayload['matched'] = {};
  for (const field of MAPPED_FIELDS) {
    const found = firstMatch(payload, mapping.fields[field]);
    fields[field] = found?.value ?? null;
    if (found) matched[field] = found.path;
  }
  const topic = detectTopic(payload, headers, mapping);
  if (topic.source !== null) matched.topic = topic.source;
  return { topic: topic.topic, rawTopic: topic.rawTopic, topicBy: topic.topicBy, fields, matched };
}
