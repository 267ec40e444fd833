/**
 * Turns HighLevel's published OpenAPI files into the contract parley uses:
 * external `../common/common-schemas.json` refs are inlined (so one self-contained document
 * serves type generation and sandbox validation), then the fixes listed in spec-defects.ts are applied.
 */
type Json = Record<string, any>;

const COMMON_REF = '../common/common-schemas.json#/components/schemas/';

/** Inline refs into common-schemas.json as local component schemas. Returns a new document. */
export function bundleSpec(doc: Json, common: Json): Json {
  const out = structuredClone(doc);
  const commonSchemas: Json = common.components?.schemas ?? {};
  const used = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const obj = node as Json;
    if (typeof obj.$ref === 'string' && obj.$ref.startsWith(COMMON_REF)) {
      const name = obj.$ref.slice(COMMON_REF.length);
      if (!commonSchemas[name]) throw new Error(`unresolved common schema ${name}`);
      used.add(name);
      obj.$ref = `#/components/schemas/${name}`;
    }
    for (const value of Object.values(obj)) walk(value);
  };
  walk(out);
  out.components ??= {};
  out.components.schemas ??= {};
  for (const name of [...used].sort()) out.components.schemas[name] = structuredClone(commonSchemas[name]);
  return out;
}

function operation(doc: Json, method: string, path: string): Json {
  const op = doc.paths?.[path]?.[method];
  if (!op) throw new Error(`spec patch: ${method.toUpperCase()} ${path} not found; the published spec changed`);
  return op;
}

function schema(doc: Json, name: string): Json {
  const s = doc.components?.schemas?.[name];
  if (!s) throw new Error(`spec patch: schema ${name} not found; the published spec changed`);
  return s;
}

/** Applies the document fixes from SPEC_DEFECTS to a bundled conversations spec. */
export function patchConversationsSpec(bundled: Json): Json {
  const doc = structuredClone(bundled);

  // subtype-typed-object
  const send = schema(doc, 'SendMessageBodyDto');
  send.properties.subType = { ...send.properties.subType, type: 'string' };

  // direction-typed-object
  const inbound = schema(doc, 'ProcessMessageBodyDto');
  inbound.properties.direction = {
    type: 'string',
    enum: ['outbound', 'inbound'],
    default: 'outbound',
    description: inbound.properties.direction.description,
  };

  // feedback-untyped-object (v3 spec: "Live chat feedback value")
  const update = schema(doc, 'UpdateConversationDto');
  update.properties.feedback = { type: 'string', enum: ['positive', 'negative'] };

  // start-after-date-invalid-schema: the parameter carries `anyOf` beside a `schema` of `type: "any"`.
  const search = operation(doc, 'get', '/conversations/search');
  for (const p of search.parameters ?? []) {
    if (p.name === 'startAfterDate') {
      delete p.anyOf;
      p.schema = { anyOf: [{ type: 'number' }, { type: 'array', items: { type: 'number' } }], example: 1600854 };
    }
  }
  const arr = doc.components.schemas.StartAfterArrayNumberSchema;
  if (arr?.items) arr.items = { type: 'number' };

  // subscription-action-examples-map: a Schema Object may not carry an `examples` map (OpenAPI 3.0).
  const change = schema(doc, 'UserSubscriptionChangeDto');
  if (change.properties?.subscription_action?.examples) delete change.properties.subscription_action.examples;

  // missing-id-path-param
  for (const path of ['/conversations/messages/{id}', '/conversations/messages/email/{id}']) {
    const op = operation(doc, 'get', path);
    op.parameters ??= [];
    if (!op.parameters.some((p: Json) => p.name === 'id' && p.in === 'path')) {
      op.parameters.push({ name: 'id', in: 'path', required: true, schema: { type: 'string' } });
    }
  }

  // missing-security
  const securityFixes: [string, string, string][] = [
    ['delete', '/conversations/messages/email/{emailMessageId}/schedule', 'conversations/message.write'],
    ['get', '/conversations/messages/email/{id}', 'conversations/message.readonly'],
    ['get', '/conversations/preferences/custom-subtypes', 'conversations.readonly'],
    ['post', '/conversations/preferences/custom-subtypes', 'conversations.write'],
    ['put', '/conversations/preferences/custom-subtypes/{id}', 'conversations.write'],
    ['get', '/conversations/preferences/unsubscriptions/status', 'conversations.readonly'],
    ['post', '/conversations/preferences/unsubscriptions/user-change', 'conversations.write'],
  ];
  for (const [method, path, scope] of securityFixes) {
    const op = operation(doc, method, path);
    if (!op.security) op.security = [{ bearer: [scope] }];
  }

  // upload-file-attachment-key
  const upload = schema(doc, 'UploadFilesDto');
  upload.required = upload.required.filter((r: string) => r !== 'attachmentUrls');
  upload.properties.fileAttachment = {
    description: 'File(s) to upload, sent as multipart parts under this key (per the operation description).',
    type: 'string',
    format: 'binary',
  };

  // transcription-single-object
  const transcription = operation(
    doc,
    'get',
    '/conversations/locations/{locationId}/messages/{messageId}/transcription',
  );
  const content = transcription.responses?.['200']?.content?.['application/json'];
  if (content?.schema?.$ref) {
    content.schema = { type: 'array', items: { $ref: content.schema.$ref } };
  }

  // export-next-cursor-null: described as "Null if no more results" but typed as a plain string.
  const exported = schema(doc, 'ExportMessagesResponseDto');
  exported.properties.nextCursor = { ...exported.properties.nextCursor, nullable: true };

  return doc;
}
