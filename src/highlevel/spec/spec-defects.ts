/**
 * Known defects of HighLevel's published OpenAPI files (specs/highlevel, copied byte-for-byte
 * from GoHighLevel/highlevel-api-docs @ 0af86a4) and how parley handles each one.
 *
 * Defects that can be fixed in the document are applied by `patchConversationsSpec` before types
 * are generated and before the sandbox validates requests, so both see the same corrected contract.
 * Defects that are about live behaviour (not the document) are handled in the request core and
 * listed here with `handledIn` so the list stays the single place to read them all.
 *
 * Sources: the specs themselves and the docs and issues of
 * https://github.com/GoHighLevel/highlevel-api-docs; docs/highlevel-api.md summarises the live ones.
 */
export interface SpecDefect {
  id: string;
  what: string;
  handling: string;
  handledIn: 'spec-patch' | 'client' | 'sandbox' | 'client+sandbox';
}

export const SPEC_DEFECTS: readonly SpecDefect[] = [
  {
    id: 'subtype-typed-object',
    what: 'SendMessageBodyDto.subType is typed `object` but its example is the string "Email".',
    handling: 'Patched to `type: string`; the client sends the channel name (e.g. "SMS").',
    handledIn: 'spec-patch',
  },
  {
    id: 'direction-typed-object',
    what: 'ProcessMessageBodyDto.direction is typed `object` with default "outbound" and example ["outbound","inbound"].',
    handling: 'Patched to `type: string, enum: [inbound, outbound]`.',
    handledIn: 'spec-patch',
  },
  {
    id: 'feedback-untyped-object',
    what: 'UpdateConversationDto.feedback is an untyped `object`; the v3 spec types it as "positive" | "negative".',
    handling: 'Patched to the v3 string enum.',
    handledIn: 'spec-patch',
  },
  {
    id: 'start-after-date-invalid-schema',
    what: 'search-conversation `startAfterDate` puts `anyOf` on the parameter object (not its schema), its schema is `type: "any"` (not a JSON Schema type), and the array variant types its items as string while the example is numbers.',
    handling: 'Patched to `schema: anyOf [number, number[]]`.',
    handledIn: 'spec-patch',
  },
  {
    id: 'subscription-action-examples-map',
    what: 'UserSubscriptionChangeDto.subscription_action carries an OpenAPI `examples` map inside a Schema Object, where JSON Schema expects an array.',
    handling: 'Patched: the map is removed (it is documentation only).',
    handledIn: 'spec-patch',
  },
  {
    id: 'missing-id-path-param',
    what: 'get-message and get-email-by-id use `{id}` in the path but do not declare the `id` path parameter.',
    handling: 'Patched: a required string path parameter `id` is added.',
    handledIn: 'spec-patch',
  },
  {
    id: 'missing-version-header',
    what: 'get-email-by-id and cancel-scheduled-email-message declare no `Version` header (27 of 29 do).',
    handling: 'The client sends `Version: 2021-04-15` on every call; the sandbox does not require it on these two.',
    handledIn: 'client+sandbox',
  },
  {
    id: 'missing-security',
    what: 'Seven operations declare no `security`: cancel-scheduled-email-message, get-email-by-id and the five preference-management operations.',
    handling:
      'Patched: cancel-scheduled-email-message gets conversations/message.write (docs/oauth/Scopes.md and the v3 spec), get-email-by-id gets conversations/message.readonly (v3 spec). The preference operations are absent from Scopes.md and v3; parley requires conversations.readonly for the two reads and conversations.write for the three writes (our decision).',
    handledIn: 'spec-patch',
  },
  {
    id: 'upload-file-attachment-key',
    what: 'upload-file-attachments says files go as multipart key `fileAttachment`, but UploadFilesDto never mentions it and requires `attachmentUrls`.',
    handling:
      'Patched: `attachmentUrls` is optional and a binary `fileAttachment` property is added; the sandbox requires at least one of the two.',
    handledIn: 'spec-patch',
  },
  {
    id: 'transcription-single-object',
    what: 'get-message-transcription models one sentence object although `sentenceIndex` implies a list of sentences.',
    handling: 'Patched to an array of sentences; the client also accepts a single object and wraps it.',
    handledIn: 'spec-patch',
  },
  {
    id: 'export-next-cursor-null',
    what: 'ExportMessagesResponseDto.nextCursor is described as "Null if no more results" but typed as a non-nullable string.',
    handling: 'Patched to `nullable: true`, so the last page validates and the generated type is `string | null`.',
    handledIn: 'spec-patch',
  },
  {
    id: 'get-messages-wrapped',
    what: 'get-messages is modelled flat ({lastMessageId, nextPage, messages[]}); the live API answers wrapped ({messages: {…}}) per highlevel-api-docs#54.',
    handling:
      'The sandbox answers wrapped like the live API (flat on request); the client accepts both and returns the flat shape.',
    handledIn: 'client+sandbox',
  },
  {
    id: 'cancel-schedule-200-error',
    what: 'cancel-scheduled-message / cancel-scheduled-email-message answer HTTP 200 with a body `status` that can be an error code (e.g. 404).',
    handling: 'The client turns a body status >= 400 into a typed error; the sandbox reproduces the behaviour.',
    handledIn: 'client+sandbox',
  },
  {
    id: 'internal-comment-enum',
    what: 'get-messages `type` filter lists TYPE_INTERNAL_COMMENTS while MessageType lists TYPE_INTERNAL_COMMENT.',
    handling: 'Left as published; the sandbox treats both spellings as the same filter.',
    handledIn: 'sandbox',
  },
  {
    id: 'send-requires-status',
    what: 'The 2026-05-01 sync made `subType` and `status` required on send-a-new-message; older specs had neither.',
    handling:
      'Left as published (the sandbox enforces it); the client fills subType from `type` and status "pending" when omitted.',
    handledIn: 'client+sandbox',
  },
  {
    id: 'numeric-examples-as-strings',
    what: 'Several number fields carry string examples (e.g. transcription startTime "34"), and isBulkInstallation (boolean) has the example "Bearer".',
    handling: 'Examples are ignored by validation and type generation; no change needed.',
    handledIn: 'spec-patch',
  },
];
