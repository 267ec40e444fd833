/**
 * A check-in workflow an organizer would build in the studio: a condition on the ticket type and an
 * Email step with a subject, as the JSON the builder posts to /api/workflows.
 */
export const VIP_CHECKIN = {
  name: 'vip-checkin',
  description: 'A VIP welcome at check-in, by email',
  trigger: 'accelevents.check_in',
  conditions: ["attendee.ticketType == 'VIP Pass'"],
  steps: [
    {
      id: 'contact',
      action: 'contacts.upsert',
      with: { email: '{{ attendee.email }}', firstName: '{{ attendee.firstName }}' },
    },
    { id: 'conversation', action: 'conversations.find-or-create', with: { contactId: '{{ steps.contact.id }}' } },
    {
      id: 'welcome',
      action: 'highlevel.send-a-new-message',
      with: {
        type: 'Email',
        contactId: '{{ steps.contact.id }}',
        conversationId: '{{ steps.conversation.id }}',
        subject: '{{ templates.subject }}',
        html: '{{ templates.email }}',
      },
    },
  ],
  templates: {
    subject: 'Welcome to the VIP lounge, {{ attendee.firstName }}',
    email: 'Hi {{ attendee.firstName }}, your VIP pass opens the lounge on level 2.',
  },
};
