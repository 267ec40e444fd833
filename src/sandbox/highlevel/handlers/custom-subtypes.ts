/**
 * Preference management: custom subtypes per location (get-all-, create- and update-custom-subtype).
 * The spec declares no response body for these; the sandbox answers `{ customSubtypes: [...] }` for the
 * list and `{ customSubtype }` for create and update, each with the fields of CreateCustomSubtypeDto
 * plus id, archived and dates.
 */
import type { components } from '../../../highlevel/generated/conversations.js';
import type { CustomSubtypeRecord } from '../state/records.js';
import type { SandboxState } from '../state/sandbox-state.js';
import { assertLocation } from './access.js';
import { badRequest, notFound } from './domain-error.js';
import type { HandlerDeps, HandlerMap } from './handler-deps.js';
import { iso } from './views.js';

type Schemas = components['schemas'];

/** "max 100 characters" for name and description (CreateCustomSubtypeDto). */
const MAX_TEXT = 100;

export function customSubtypeView(s: CustomSubtypeRecord) {
  return {
    id: s.id,
    locationId: s.locationId,
    name: s.name,
    description: s.description,
    channel: s.channel,
    language: s.language,
    archived: s.archived,
    dateAdded: iso(s.dateAdded),
    dateUpdated: iso(s.dateUpdated),
  };
}

function checkText(field: 'name' | 'description', value: string | undefined): void {
  if (value === undefined) return;
  if (field === 'name' && value.trim().length === 0) throw badRequest('name must not be empty');
  if (value.length > MAX_TEXT) throw badRequest(`${field} must be at most ${MAX_TEXT} characters, got ${value.length}`);
}

function checkUniqueName(state: SandboxState, locationId: string, name: string, self?: string): void {
  const existing = state.preferences.findSubtypeByName(locationId, name);
  if (existing && existing.id !== self) {
    throw badRequest(`name "${name}" is already used by custom subtype ${existing.id} in this location`);
  }
}

export function customSubtypeHandlers({ state }: HandlerDeps): HandlerMap {
  return {
    'get-all-custom-subtypes': (req) => {
      const locationId = String(req.query.locationId ?? '');
      assertLocation(req.principal, locationId);
      return { status: 200, body: { customSubtypes: state.preferences.subtypesIn(locationId).map(customSubtypeView) } };
    },

    'create-custom-subtype': (req, ctx) => {
      const locationId = String(req.query.locationId ?? '');
      assertLocation(req.principal, locationId);
      const body = req.body as Schemas['CreateCustomSubtypeDto'];
      checkText('name', body.name);
      checkText('description', body.description);
      checkUniqueName(state, locationId, body.name);
      const now = ctx.now();
      const subtype: CustomSubtypeRecord = {
        id: ctx.newId(),
        locationId,
        name: body.name.trim(),
        description: body.description ?? null,
        channel: body.channel,
        language: body.language,
        archived: false,
        dateAdded: now,
        dateUpdated: now,
      };
      state.preferences.addSubtype(subtype);
      return { status: 200, body: { customSubtype: customSubtypeView(subtype) } };
    },

    'update-custom-subtype': (req, ctx) => {
      const locationId = String(req.query.locationId ?? '');
      assertLocation(req.principal, locationId);
      const subtype = state.preferences.getSubtype(req.params.id ?? '');
      if (!subtype) throw notFound('Custom subtype not found');
      assertLocation(req.principal, subtype.locationId);
      const body = req.body as Schemas['UpdateCustomSubtypeDto'];
      checkText('name', body.name);
      checkText('description', body.description);
      if (body.name !== undefined) {
        checkUniqueName(state, locationId, body.name, subtype.id);
        subtype.name = body.name.trim();
      }
      if (body.description !== undefined) subtype.description = body.description;
      if (body.archived !== undefined) subtype.archived = body.archived;
      subtype.dateUpdated = ctx.now();
      return { status: 200, body: { customSubtype: customSubtypeView(subtype) } };
    },
  };
}
