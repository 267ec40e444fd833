/**
 * Contract between the HighLevel sandbox's HTTP layer (server, auth, scopes, rate limits, validation,
 * faults, webhook signing) and its domain layer (conversations, messages, contacts state and the
 * operation handlers). The HTTP layer authenticates, rate-limits and validates a request against the
 * patched spec, then calls the handler registered for the operationId.
 */

/** What the bearer token resolved to. The sandbox issues Location tokens and Company (agency) tokens. */
export interface SandboxPrincipal {
  appId: string;
  userType: 'Location' | 'Company';
  locationId: string | null;
  companyId: string;
  scopes: string[];
}

export interface SandboxFile {
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface SandboxRequest {
  operationId: string;
  /** Path parameters, already URL-decoded. */
  params: Record<string, string>;
  /** Query parameters, validated and coerced to the spec's types. */
  query: Record<string, any>;
  /** JSON body (validated), or multipart text fields. Undefined for operations without a body. */
  body: any;
  /** Multipart file parts (upload-file-attachments only). */
  files: SandboxFile[];
  principal: SandboxPrincipal;
}

export interface SandboxResponse {
  status: number;
  /** JSON body. */
  body?: unknown;
  /** Raw body for downloads (recording WAV, transcription text); sent instead of `body`. */
  raw?: Buffer | string;
  headers?: Record<string, string>;
}

/** HighLevel webhook event types the sandbox sends (see handlers/webhook-events.ts). */
export type SandboxWebhookType =
  | 'InboundMessage'
  | 'OutboundMessage'
  | 'ConversationUnreadUpdate'
  | 'INSTALL'
  | 'UNINSTALL';

export interface SandboxWebhookEvent {
  type: SandboxWebhookType;
  locationId: string;
  /** The rest of the payload, as HighLevel documents it for that type. */
  [field: string]: unknown;
}

export interface SandboxContext {
  /** Milliseconds since the epoch; injected so tests control time. */
  now(): number;
  /** A new 20-character HighLevel-style id. */
  newId(): string;
  /** Queue a signed webhook delivery (no-op when no webhook URL is configured). */
  emit(event: SandboxWebhookEvent): void;
}

export type OperationHandler = (req: SandboxRequest, ctx: SandboxContext) => SandboxResponse | Promise<SandboxResponse>;

/**
 * Operations beyond the 29 conversations operations that the sandbox serves, because a conversation
 * needs a contact. They are not in specs/highlevel, so their request schemas live in the sandbox.
 */
export const CONTACT_OPERATIONS = [
  { operationId: 'upsert-contact', method: 'POST', path: '/contacts/upsert', scopes: ['contacts.write'] },
  { operationId: 'get-contact', method: 'GET', path: '/contacts/{contactId}', scopes: ['contacts.readonly'] },
  { operationId: 'add-tags', method: 'POST', path: '/contacts/{contactId}/tags', scopes: ['contacts.write'] },
] as const;
