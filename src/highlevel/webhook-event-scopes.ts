/** The conversation webhook events features consume (src/intake/highlevel/highlevel-events.ts stores them). */
export type WebhookEventName = 'InboundMessage' | 'OutboundMessage' | 'ConversationUnreadUpdate';

/**
 * The scope that makes HighLevel deliver each event, from the "Webhook events" column of HighLevel's
 * scopes page (https://marketplace.gohighlevel.com/docs/Authorization/Scopes), which calls the unread
 * event `ConversationUnreadWebhook`; its payload `type` is `ConversationUnreadUpdate`.
 */
export const WEBHOOK_EVENT_SCOPES: Record<WebhookEventName, string> = {
  InboundMessage: 'conversations/message.readonly',
  OutboundMessage: 'conversations/message.readonly',
  ConversationUnreadUpdate: 'conversations.readonly',
};
