/**
 * Preference management: a contact's subscription statuses and user-initiated changes.
 * The spec declares no response body; the sandbox answers
 * `{ contactId, locationId, emails: [{ email, subscriptions: [{ type, subtypeId?, name, status }] }] }`
 * for the status, and `{ success, contactId, email, subscriptions }` after a change.
 */
import type { components } from '../../../highlevel/generated/conversations.js';
import type { SandboxState } from '../state/sandbox-state.js';
import { assertLocation, requireContact } from './access.js';
import { badRequest, notFound } from './domain-error.js';
import type { HandlerDeps, HandlerMap } from './handler-deps.js';

type Schemas = components['schemas'];

/** The one default subscription type (SubscriptionActionDto.subtype_name enum). */
const DEFAULT_SUBTYPE = 'One on One';
const DEFAULT_KEY = `default:${DEFAULT_SUBTYPE}`;

interface SubscriptionView {
  type: 'default' | 'custom';
  subtypeId?: string;
  name: string;
  status: 'subscribed' | 'unsubscribed';
}

function subscriptionsFor(
  state: SandboxState,
  locationId: string,
  contactId: string,
  email: string,
): SubscriptionView[] {
  const statuses = state.preferences.statusesFor(locationId, contactId, email);
  const views: SubscriptionView[] = [
    { type: 'default', name: DEFAULT_SUBTYPE, status: statuses.get(DEFAULT_KEY) ?? 'subscribed' },
  ];
  for (const s of state.preferences.subtypesIn(locationId)) {
    if (s.archived) continue;
    views.push({
      type: 'custom',
      subtypeId: s.id,
      name: s.name,
      status: statuses.get(`custom:${s.id}`) ?? 'subscribed',
    });
  }
  return views;
}

export function subscriptionHandlers({ state }: HandlerDeps): HandlerMap {
  return {
    'get-contact-unsubscription-status': (req) => {
      const locationId = String(req.query.locationId ?? '');
      assertLocation(req.principal, locationId);
      const contact = requireContact(state, req.principal, String(req.query.contactId ?? ''));
      const requested = req.query.email ? [String(req.query.email).toLowerCase()] : null;
      const emails = requested ?? [
        ...new Set(
          [contact.email?.toLowerCase(), ...state.preferences.emailsWithChanges(locationId, contact.id)].filter(
            (e): e is string => Boolean(e),
          ),
        ),
      ];
      return {
        status: 200,
        body: {
          contactId: contact.id,
          locationId,
          emails: emails.map((email) => ({
            email,
            subscriptions: subscriptionsFor(state, locationId, contact.id, email),
          })),
        },
      };
    },

    'user-subscription-change': (req) => {
      const body = req.body as Schemas['UserSubscriptionChangeDto'];
      assertLocation(req.principal, body.locationId);
      const contact = requireContact(state, req.principal, body.contactId);
      const action = body.subscription_action;
      const statuses = state.preferences.statusesFor(body.locationId, contact.id, body.email);
      // legal_reason is "required only for resubscribe and resub_all actions" (UserSubscriptionChangeDto).
      const needsReason = (key: string) =>
        action.subtype_status === 'subscribed' && statuses.get(key) === 'unsubscribed';
      const requireReason = () => {
        if (!body.legal_reason)
          throw badRequest('legal_reason is required to resubscribe: say why the contact is resubscribed');
      };

      if (action.type === 'resub_all') {
        if (action.subtype_status !== 'subscribed') {
          throw badRequest('subscription_action.subtype_status must be "subscribed" for type resub_all');
        }
        requireReason();
        statuses.clear();
      } else {
        let key = DEFAULT_KEY;
        if (action.type === 'default') {
          if (action.subtype_name !== DEFAULT_SUBTYPE) {
            throw badRequest(`subscription_action.subtype_name is required for type default: use "${DEFAULT_SUBTYPE}"`);
          }
        } else {
          if (!action.subtype_id) throw badRequest('subscription_action.subtype_id is required for type custom');
          const subtype = state.preferences.getSubtype(action.subtype_id);
          if (!subtype || subtype.locationId !== body.locationId) throw notFound('Custom subtype not found');
          key = `custom:${subtype.id}`;
        }
        if (needsReason(key)) requireReason();
        statuses.set(key, action.subtype_status);
      }
      return {
        status: 200,
        body: {
          success: true,
          contactId: contact.id,
          email: body.email.toLowerCase(),
          subscriptions: subscriptionsFor(state, body.locationId, contact.id, body.email),
        },
      };
    },
  };
}
