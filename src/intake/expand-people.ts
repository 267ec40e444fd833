/**
 * One record can name several people: an order with a ticket-holder list, or an attendee list, plus a
 * purchaser. Each person becomes their own mapped payload (and so their own inbox row, job and
 * welcome). Person fields come from the list element; what the people share (event, order, topic,
 * time) comes from the record, unless the element carries its own.
 * A record with no list is one person, mapped from the record as a whole. Pure: no I/O.
 */

import { readPath } from '../lib/json-path.js';
import { type HeaderBag, type MappedPayload, mapPayload } from './map-payload.js';
import type { PayloadMapping } from './webhook-config.js';
import type { MappedFieldName } from './webhook-vocabulary.js';

/** Fields that belong to one person; never copied from the record onto a list element. */
const PERSON_FIELDS: ReadonlySet<MappedFieldName> = new Set([
  'attendeeId',
  'ticketId',
  'email',
  'firstName',
  'lastName',
  'phone',
  'ticketType',
]);

export interface PersonRef {
  /** Where the person is in the record: `$` (the record itself), `attendees[2]`, `purchaser`, … */
  path: string;
  /** 0-based position among the record's people, and how many it has. */
  index: number;
  of: number;
}

export type PersonPayload = MappedPayload & { person: PersonRef };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The first list whose elements name people. A list of things that are not people (ticket types,
 * prices) names nobody, so it is passed over rather than turning the record into nameless rows.
 */
function firstPeopleList(
  record: unknown,
  whole: MappedPayload,
  mapping: PayloadMapping,
): { path: string; mapped: MappedPayload }[] | null {
  for (const candidate of mapping.peopleLists) {
    const value = readPath(record, candidate.segments);
    if (!Array.isArray(value)) continue;
    const people = value.flatMap((item, index) =>
      isObject(item) ? [{ path: `${candidate.path}[${index}]`, mapped: merge(whole, mapPayload(item, mapping)) }] : [],
    );
    if (people.some((person) => hasIdentity(person.mapped))) return people;
  }
  return null;
}

function firstObject(
  record: unknown,
  mapping: PayloadMapping,
): { path: string; value: Record<string, unknown> } | null {
  for (const candidate of mapping.purchaserPaths) {
    const value = readPath(record, candidate.segments);
    if (isObject(value)) return { path: candidate.path, value };
  }
  return null;
}

/** The element's own fields, with the record's shared fields filling the gaps. */
function merge(whole: MappedPayload, own: MappedPayload): MappedPayload {
  const fields = { ...own.fields };
  const matched = { ...own.matched };
  for (const [name, value] of Object.entries(whole.fields) as [MappedFieldName, string | null][]) {
    if (PERSON_FIELDS.has(name) || fields[name] !== null) continue;
    fields[name] = value;
    if (whole.matched[name]) matched[name] = whole.matched[name];
  }
  if (whole.matched.topic) matched.topic = whole.matched.topic;
  return { topic: whole.topic, rawTopic: whole.rawTopic, topicBy: whole.topicBy, fields, matched };
}

function hasIdentity(mapped: MappedPayload): boolean {
  const f = mapped.fields;
  return f.attendeeId !== null || f.ticketId !== null || f.email !== null;
}

export function expandPeople(record: unknown, mapping: PayloadMapping, headers: HeaderBag = {}): PersonPayload[] {
  const whole = mapPayload(record, mapping, headers);
  const people = firstPeopleList(record, whole, mapping);
  if (!people) return [{ ...whole, person: { path: '$', index: 0, of: 1 } }];
  if (mapping.welcomePurchaser) {
    const purchaser = firstObject(record, mapping);
    const mapped = purchaser ? merge(whole, mapPayload(purchaser.value, mapping)) : null;
    const email = mapped?.fields.email?.toLowerCase();
    const isHolder = email !== undefined && people.some((p) => p.mapped.fields.email?.toLowerCase() === email);
    if (purchaser && mapped && hasIdentity(mapped) && !isHolder) people.push({ path: purchaser.path, mapped });
  }
  return people.map(({ path, mapped }, index) => ({ ...mapped, person: { path, index, of: people.length } }));
}
