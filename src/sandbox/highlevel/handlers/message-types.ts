import type { MessageType } from '../state/records.js';

/**
 * Numeric message `type` (GetMessageResponseDto.type). The spec has no table; the known points are
 * 1 = TYPE_CALL, 3 = email, 10 = voicemail, 22 = TYPE_CUSTOM_PROVIDER_SMS, 34 = TYPE_CUSTOM_CALL
 * (spec descriptions, and webhook payloads quoted in https://github.com/GoHighLevel/highlevel-api-docs/issues/260).
 * The spec's MessageType order without TYPE_RCS (added later) matches
 * all five, so the codes follow that order. TYPE_RCS has no known code and gets the next free one.
 */
export const MESSAGE_TYPE_CODES: Record<MessageType, number> = {
  TYPE_CALL: 1,
  TYPE_SMS: 2,
  TYPE_EMAIL: 3,
  TYPE_SMS_REVIEW_REQUEST: 4,
  TYPE_WEBCHAT: 5,
  TYPE_SMS_NO_SHOW_REQUEST: 6,
  TYPE_CAMPAIGN_SMS: 7,
  TYPE_CAMPAIGN_CALL: 8,
  TYPE_CAMPAIGN_EMAIL: 9,
  TYPE_CAMPAIGN_VOICEMAIL: 10,
  TYPE_FACEBOOK: 11,
  TYPE_CAMPAIGN_FACEBOOK: 12,
  TYPE_CAMPAIGN_MANUAL_CALL: 13,
  TYPE_CAMPAIGN_MANUAL_SMS: 14,
  TYPE_GMB: 15,
  TYPE_CAMPAIGN_GMB: 16,
  TYPE_REVIEW: 17,
  TYPE_INSTAGRAM: 18,
  TYPE_WHATSAPP: 19,
  TYPE_CUSTOM_SMS: 20,
  TYPE_CUSTOM_EMAIL: 21,
  TYPE_CUSTOM_PROVIDER_SMS: 22,
  TYPE_CUSTOM_PROVIDER_EMAIL: 23,
  TYPE_IVR_CALL: 24,
  TYPE_ACTIVITY_CONTACT: 25,
  TYPE_ACTIVITY_INVOICE: 26,
  TYPE_ACTIVITY_PAYMENT: 27,
  TYPE_ACTIVITY_OPPORTUNITY: 28,
  TYPE_LIVE_CHAT: 29,
  TYPE_LIVE_CHAT_INFO_MESSAGE: 30,
  TYPE_ACTIVITY_APPOINTMENT: 31,
  TYPE_FACEBOOK_COMMENT: 32,
  TYPE_INSTAGRAM_COMMENT: 33,
  TYPE_CUSTOM_CALL: 34,
  TYPE_INTERNAL_COMMENT: 35,
  TYPE_ACTIVITY_EMPLOYEE_ACTION_LOG: 36,
  TYPE_TIKTOK: 37,
  TYPE_TIKTOK_COMMENT: 38,
  TYPE_ACTIVITY_WHATSAPP: 39,
  TYPE_FORM_SUBMISSION: 40,
  TYPE_SMS_REACTION: 41,
  TYPE_RCS: 42,
};

/** `type` of send-a-new-message (SendMessageBodyDto) and of the inbound/outbound endpoints → TYPE_*. */
const CHANNEL_TO_TYPE: Record<string, MessageType> = {
  SMS: 'TYPE_SMS',
  RCS: 'TYPE_RCS',
  Email: 'TYPE_EMAIL',
  WhatsApp: 'TYPE_WHATSAPP',
  GMB: 'TYPE_GMB',
  IG: 'TYPE_INSTAGRAM',
  FB: 'TYPE_FACEBOOK',
  // Custom providers' messages are TYPE_CUSTOM_PROVIDER_SMS (messageTypeId 22 in highlevel-api-docs#224).
  Custom: 'TYPE_CUSTOM_PROVIDER_SMS',
  WebChat: 'TYPE_WEBCHAT',
  Live_Chat: 'TYPE_LIVE_CHAT',
  // Our choice: the spec does not say which TYPE_* the all-in-one chat widget produces.
  ALL_IN_ONE_CHAT: 'TYPE_LIVE_CHAT',
  Call: 'TYPE_CALL',
  IVR_Call: 'TYPE_IVR_CALL',
  Campaign_Call: 'TYPE_CAMPAIGN_CALL',
  Campaign_VoiceMail: 'TYPE_CAMPAIGN_VOICEMAIL',
  TIKTOK: 'TYPE_TIKTOK',
  FORM_SUBMISSION: 'TYPE_FORM_SUBMISSION',
};

export function messageTypeForChannel(channel: string): MessageType | undefined {
  return CHANNEL_TO_TYPE[channel];
}

/** Calls that carry call data, a recording and a transcription in the sandbox (brief: Call, IVR_Call, outbound Call). */
export function isRecordedCall(type: MessageType): boolean {
  return type === 'TYPE_CALL' || type === 'TYPE_IVR_CALL';
}

export function isEmailType(type: MessageType): boolean {
  return EXPORT_CHANNELS.Email.includes(type);
}

/** Channels whose sends need the contact's phone number, and those that need an email address. */
export function requiredAddress(type: MessageType): 'phone' | 'email' | null {
  if (type === 'TYPE_SMS' || type === 'TYPE_RCS' || type === 'TYPE_WHATSAPP') return 'phone';
  if (type === 'TYPE_EMAIL') return 'email';
  return null;
}

/**
 * Webhook `messageType` uses short names (SMS, CALL, Email, VoiceMail, Custom), not the REST TYPE_* enum
 * (https://github.com/GoHighLevel/highlevel-api-docs/tree/main/docs/webhook%20events). Types the docs do
 * not show fall back to the name without `TYPE_`.
 */
const WEBHOOK_NAMES: Partial<Record<MessageType, string>> = {
  TYPE_SMS: 'SMS',
  TYPE_EMAIL: 'Email',
  TYPE_CALL: 'CALL',
  TYPE_IVR_CALL: 'CALL',
  TYPE_CUSTOM_CALL: 'CALL',
  TYPE_CAMPAIGN_CALL: 'CALL',
  TYPE_CAMPAIGN_VOICEMAIL: 'VoiceMail',
  TYPE_CUSTOM_PROVIDER_SMS: 'Custom',
  TYPE_WHATSAPP: 'WhatsApp',
  TYPE_FACEBOOK: 'FB',
  TYPE_INSTAGRAM: 'IG',
  TYPE_GMB: 'GMB',
  TYPE_LIVE_CHAT: 'Live Chat',
};

export function webhookMessageType(type: MessageType): string {
  return WEBHOOK_NAMES[type] ?? type.replace(/^TYPE_/, '');
}

/** export-messages-by-location `channel` values and the TYPE_* values each covers. */
export const EXPORT_CHANNELS: Record<'Call' | 'SMS' | 'Email' | 'WhatsApp' | 'Instagram' | 'Facebook', MessageType[]> =
  {
    Call: [
      'TYPE_CALL',
      'TYPE_IVR_CALL',
      'TYPE_CUSTOM_CALL',
      'TYPE_CAMPAIGN_CALL',
      'TYPE_CAMPAIGN_MANUAL_CALL',
      'TYPE_CAMPAIGN_VOICEMAIL',
    ],
    SMS: ['TYPE_SMS', 'TYPE_CUSTOM_SMS', 'TYPE_CUSTOM_PROVIDER_SMS', 'TYPE_CAMPAIGN_SMS', 'TYPE_CAMPAIGN_MANUAL_SMS'],
    Email: ['TYPE_EMAIL', 'TYPE_CUSTOM_EMAIL', 'TYPE_CUSTOM_PROVIDER_EMAIL', 'TYPE_CAMPAIGN_EMAIL'],
    WhatsApp: ['TYPE_WHATSAPP'],
    Instagram: ['TYPE_INSTAGRAM', 'TYPE_INSTAGRAM_COMMENT'],
    Facebook: ['TYPE_FACEBOOK', 'TYPE_FACEBOOK_COMMENT', 'TYPE_CAMPAIGN_FACEBOOK'],
  };
