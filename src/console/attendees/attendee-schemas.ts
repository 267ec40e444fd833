/** JSON schemas of GET /api/attendees/{id}: its id parameter and its answer (mirrors read-attendee.ts). */

// OpenAPI 3.0 (the document's version) spells null as `nullable`, not as a type list.
const nullableString = { type: 'string', nullable: true } as const;
const epochMs = { type: 'number', description: 'Epoch ms.' } as const;

export const attendeeParamsSchema = {
  type: 'object',
  required: ['id'],
  properties: {
    id: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      description: 'The Accelevents attendee id, or the HighLevel contact id.',
    },
  },
} as const;

export const attendeeSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'The id asked for.' },
    email: { ...nullableString, description: "The contact's email as the local index knows it." },
    links: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          eventKey: { type: 'string', description: 'The Accelevents event URL or id.' },
          checkIn: {
            type: 'boolean',
            description: 'Saved by the check-in welcome (else by the registration welcome).',
          },
          attendeeId: { type: 'string' },
          locationId: { type: 'string' },
          contactId: nullableString,
          conversationId: nullableString,
          welcomeMessageId: nullableString,
          linkedAt: epochMs,
        },
      },
    },
    preferences: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          key: { type: 'string', description: 'The question key, e.g. updates.' },
          value: { ...nullableString, description: 'The option chosen; null when the answer matched none.' },
          raw: { ...nullableString, description: 'The answer as the attendee wrote it.' },
          answeredAt: epochMs,
          contactId: { type: 'string' },
          locationId: { type: 'string' },
        },
      },
    },
    notes: {
      type: 'array',
      description:
        'Notes HighLevel workflows added with the parley_add_note action, newest first (at most 50). Not given to sponsors.',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          body: { type: 'string' },
          source: { type: 'string', description: 'Who added it, e.g. marketplace:<workflowId>.' },
          eventKey: nullableString,
          contactId: { type: 'string' },
          locationId: { type: 'string' },
          createdAt: epochMs,
        },
      },
    },
  },
} as const;
