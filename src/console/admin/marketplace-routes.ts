/**
 * The marketplace admin API (admin only), read-only:
 *   GET /api/admin/marketplace/subscriptions   HighLevel workflows using parley's triggers, newest first
 *   GET /api/admin/marketplace/firings         what parley sent them, with status, HTTP status and error
 * Both keyset paged; the work is in marketplace-activity.ts, which the Marketplace page calls too.
 */
import type { FastifyInstance } from 'fastify';
import { MARKETPLACE_FIRING_STATUSES, type MarketplaceFiringStatus } from '../../store/schema.js';
import { apiRoute } from '../api/api-route.js';
import type { ConsoleDeps } from '../console-deps.js';
import {
  listMarketplaceFirings,
  listMarketplaceSubscriptions,
  SUBSCRIPTION_STATUSES,
  type SubscriptionStatus,
} from './marketplace-activity.js';

const ADMIN = ['admin'] as const;
const TAG = 'admin';
export const MARKETPLACE_PAGE_DEFAULT = 50;
const MARKETPLACE_PAGE_MAX = 200;

const pageQuery = {
  limit: { type: 'integer', minimum: 1, maximum: MARKETPLACE_PAGE_MAX, default: MARKETPLACE_PAGE_DEFAULT },
  cursor: { type: 'string', minLength: 1, description: 'nextCursor from the previous page' },
  locationId: { type: 'string', minLength: 1 },
} as const;

const nullableString = { type: ['string', 'null'] } as const;
const nullableInteger = { type: ['integer', 'null'] } as const;

const subscriptionSchema = {
  type: 'object',
  required: ['triggerId', 'triggerKey', 'locationId', 'workflowId', 'targetUrl', 'status', 'createdAt'],
  properties: {
    triggerId: { type: 'string', description: 'HighLevel’s triggerData.id' },
    triggerKey: { type: 'string' },
    locationId: { type: 'string' },
    workflowId: nullableString,
    companyId: nullableString,
    targetUrl: { type: 'string' },
    filters: { type: 'array', items: { type: 'object', additionalProperties: true } },
    status: {
      type: 'string',
      enum: [...SUBSCRIPTION_STATUSES],
      description: 'gone: paused since its targetUrl answered 404 or 410, until HighLevel sends CREATED or UPDATED',
    },
    inactiveReason: { ...nullableString, description: 'why a gone subscription is paused' },
    createdAt: { type: 'integer', description: 'epoch ms' },
    updatedAt: { type: 'integer', description: 'epoch ms' },
  },
} as const;

const firingSchema = {
  type: 'object',
  required: ['id', 'triggerId', 'triggerKey', 'eventKey', 'locationId', 'status', 'attempts', 'createdAt'],
  properties: {
    id: { type: 'string' },
    triggerId: { type: 'string' },
    triggerKey: { type: 'string' },
    eventKey: { type: 'string', description: 'what happened; one firing per (triggerId, eventKey)' },
    locationId: { type: 'string' },
    status: { type: 'string', enum: [...MARKETPLACE_FIRING_STATUSES] },
    attempts: { type: 'integer' },
    httpStatus: { ...nullableInteger, description: 'the targetUrl’s last answer; null before any' },
    lastError: nullableString,
    createdAt: { type: 'integer', description: 'epoch ms' },
    sentAt: { ...nullableInteger, description: 'epoch ms' },
  },
} as const;

const pageOf = (items: object) =>
  ({
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: { items: { type: 'array', items }, nextCursor: nullableString },
  }) as const;

export function registerMarketplaceAdminRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  apiRoute(app, {
    method: 'GET',
    url: '/api/admin/marketplace/subscriptions',
    roles: ADMIN,
    tag: TAG,
    summary:
      'HighLevel workflows subscribed to parley’s marketplace triggers (active by default), newest first, keyset paged',
    schema: {
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { status: { type: 'string', enum: [...SUBSCRIPTION_STATUSES], default: 'active' }, ...pageQuery },
      },
      response: { 200: pageOf(subscriptionSchema) },
    },
    handler: async (request) => {
      const query = request.query as {
        status: SubscriptionStatus;
        locationId?: string;
        limit: number;
        cursor?: string;
      };
      return listMarketplaceSubscriptions(deps.db, query);
    },
  });

  apiRoute(app, {
    method: 'GET',
    url: '/api/admin/marketplace/firings',
    roles: ADMIN,
    tag: TAG,
    summary:
      'Marketplace trigger firings, newest first, keyset paged: status (queued, sent, failed, filtered, skipped), attempts, the targetUrl’s HTTP status and the last error',
    schema: {
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          status: { type: 'string', enum: [...MARKETPLACE_FIRING_STATUSES] },
          triggerId: { type: 'string', minLength: 1 },
          ...pageQuery,
        },
      },
      response: { 200: pageOf(firingSchema) },
    },
    handler: async (request) => {
      const query = request.query as {
        status?: MarketplaceFiringStatus;
        triggerId?: string;
        locationId?: string;
        limit: number;
        cursor?: string;
      };
      return listMarketplaceFirings(deps.db, query);
    },
  });
}
