/**
 * Console roles and what each may do: a viewer reads; an agent also replies and
 * changes status; a sponsor works only in their own sponsor's sponsor-channel conversations; an
 * admin does everything.
 * Later routes ask `ROLE_PERMISSIONS[role]` rather than comparing role names.
 */
import { AuthError } from './auth-error.js';

export const ROLES = ['viewer', 'agent', 'admin', 'sponsor'] as const;
export type Role = (typeof ROLES)[number];

export interface RolePermissions {
  /** Read conversations, messages, transcripts and recordings. */
  read: boolean;
  /** Send replies, add inbound messages, upload attachments. */
  reply: boolean;
  /** Mark read/unread/starred, update message status, cancel scheduled messages. */
  changeStatus: boolean;
  /** Delete conversations; admin pages (connections, workflows, runs, dead letters, audit log). */
  admin: boolean;
  /** Which conversations the role sees at all. */
  conversations: 'all' | 'sponsor_channel';
}

export const ROLE_PERMISSIONS: Readonly<Record<Role, Readonly<RolePermissions>>> = {
  viewer: { read: true, reply: false, changeStatus: false, admin: false, conversations: 'all' },
  agent: { read: true, reply: true, changeStatus: true, admin: false, conversations: 'all' },
  // A sponsor's staff answer their own leads, so they act like an agent, but only inside their sponsor's channel.
  sponsor: { read: true, reply: true, changeStatus: true, admin: false, conversations: 'sponsor_channel' },
  admin: { read: true, reply: true, changeStatus: true, admin: true, conversations: 'all' },
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function parseRole(value: string): Role {
  if (isRole(value)) return value;
  throw new AuthError('invalid_role', `role must be one of ${ROLES.join(', ')}; got "${value}"`);
}
