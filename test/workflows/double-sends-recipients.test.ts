/**
 * The double-send check (src/workflows/double-sends.ts) counts messages per person: two workflows on one
 * trigger that both write to the event's contact are a double send; one that writes to a configured
 * contact (`{{ templates.<name> }}`, like sponsor staff) beside one that answers the event's contact is
 * not, and two that write to the same configured contact are.
 */
import { describe, expect, it } from 'vitest';
import { findDoubleSends } from '../../src/workflows/double-sends.js';
import { definitionFrom } from './workflow-fixture.js';

function inbound(name: string, contactId: string) {
  return definitionFrom(`
name: ${name}
trigger: highlevel.inbound_message
steps:
  - id: send
    action: highlevel.send-a-new-message
    with: { type: SMS, contactId: "${contactId}", message: hello }
templates:
  staff: staff-1
`);
}

const sourced = (definition: ReturnType<typeof inbound>) => ({ definition, source: 'built-in' });

describe('findDoubleSends by recipient', () => {
  it('finds two workflows answering the event’s contact on one trigger', () => {
    const found = findDoubleSends([
      sourced(inbound('reply-a', '{{ message.contactId }}')),
      sourced(inbound('reply-b', '{{ message.contactId }}')),
    ]);
    expect(found.map((d) => d.workflows)).toEqual([['reply-a (built-in)', 'reply-b (built-in)']]);
  });

  it('does not pair a send to a configured contact with an answer to the event’s contact', () => {
    const found = findDoubleSends([
      sourced(inbound('checkin-reply', '{{ message.contactId }}')),
      sourced(inbound('relay-to-staff', '{{ templates.staff }}')),
    ]);
    expect(found).toEqual([]);
  });

  it('finds two workflows writing to the same configured contact', () => {
    const found = findDoubleSends([
      sourced(inbound('relay-a', '{{ templates.staff }}')),
      sourced(inbound('relay-b', '{{templates.staff}}')),
    ]);
    expect(found.map((d) => d.trigger)).toEqual(['highlevel.inbound_message']);
  });
});
