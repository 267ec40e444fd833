/** JSON schemas of the Users admin routes (users-routes.ts), for validation, the answer's shape and OpenAPI. */
import { ROLES } from '../auth/roles.js';

// OpenAPI 3.0 (the document's version) spells null as `nullable`, not as a type list.
const epochMs = { type: 'integer', description: 'epoch milliseconds' } as const;
const nullableEpochMs = { ...epochMs, nullable: true } as const;

const tokenSchema = {
  type: 'object',
  description: 'An issued API token; the token itself is never stored, so never shown.',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    createdAt: epochMs,
    lastUsedAt: nullableEpochMs,
    expiresAt: nullableEpochMs,
    revokedAt: nullableEpochMs,
    state: { type: 'string', enum: ['active', 'revoked', 'expired'] },
  },
} as const;

export const userAccountSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    email: { type: 'string' },
    role: { type: 'string', enum: [...ROLES] },
    state: { type: 'string', enum: ['active', 'disabled'] },
    createdAt: epochMs,
    disabledAt: nullableEpochMs,
    lockedUntil: { ...nullableEpochMs, description: 'When login throttling for this email ends; null: may sign in' },
    tokens: { type: 'array', items: tokenSchema },
  },
} as const;

export const userListSchema = {
  type: 'object',
  properties: { users: { type: 'array', items: userAccountSchema } },
} as const;

export const userParamsSchema = {
  type: 'object',
  required: ['userId'],
  properties: { userId: { type: 'string', minLength: 1 } },
} as const;

export const tokenParamsSchema = {
  type: 'object',
  required: ['userId', 'tokenId'],
  properties: { userId: { type: 'string', minLength: 1 }, tokenId: { type: 'string', minLength: 1 } },
} as const;

export const roleBodySchema = {
  type: 'object',
  required: ['role'],
  additionalProperties: false,
  properties: { role: { type: 'string', enum: [...ROLES] } },
} as const;

/** The user after the change, and what it did (sessions ended, tokens revoked, previous role …). */
export const userChangeSchema = {
  type: 'object',
  properties: {
    user: userAccountSchema,
    endedSessions: { type: 'integer' },
    revokedTokens: { type: 'integer' },
    role: { type: 'string', enum: [...ROLES] },
    previousRole: { type: 'string', enum: [...ROLES] },
    unlocked: { type: 'boolean', description: 'false when the email had no throttling to clear' },
    tokenId: { type: 'string' },
    revoked: { type: 'boolean', description: 'false when the token had already been revoked' },
  },
} as const;
