/**
 * The dynamic fields of an action (`DYNAMIC` input: HighLevel POSTs the form's current `data` and
 * expects `{ inputs: [{ section, fields }] }`, https://github.com/GoHighLevel/marketplace-cli
 * src/lib/workflows/actions/guide.ts). Only `parley_send_message` has one: the Email subject, asked
 * for when the channel is Email (required) or "SMS, else Email" (used for contacts without a phone).
 */
import type { ActionKey } from '../action-catalog.js';
import type { ActionRequest } from './action-request.js';

export interface DynamicField {
  field: string;
  title: string;
  fieldType: 'string';
  required: boolean;
  helpText?: string;
}

export interface DynamicInputs {
  inputs: { section: string; fields: DynamicField[] }[];
}

export function dynamicFieldsOf(key: ActionKey, request: ActionRequest): DynamicInputs {
  if (key !== 'parley_send_message') return { inputs: [] };
  const channel = typeof request.data.channel === 'string' ? request.data.channel : 'auto';
  if (channel === 'SMS') return { inputs: [] };
  const subject: DynamicField = {
    field: 'subject',
    title: 'Email subject',
    fieldType: 'string',
    required: channel === 'Email',
    ...(channel === 'Email' ? {} : { helpText: 'Used when the contact has no phone and the message goes by Email.' }),
  };
  return { inputs: [{ section: 'Email details', fields: [subject] }] };
}
