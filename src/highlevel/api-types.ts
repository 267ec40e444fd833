/**
 * Generic views onto the generated `operations` type (src/highlevel/generated/conversations.ts), so
 * typed methods name an operationId and never hand-type a DTO, and a spec update reaches every caller.
 */
import type { operations } from './generated/conversations.js';

export type ConversationOperationId = keyof operations;

type ParametersOf<Id extends ConversationOperationId> = operations[Id]['parameters'];

/** Path parameters of an operation (`{}` when it has none). */
export type PathOf<Id extends ConversationOperationId> = ParametersOf<Id> extends { path: infer P } ? P : never;

/** Query parameters of an operation. */
export type QueryOf<Id extends ConversationOperationId> =
  ParametersOf<Id> extends { query?: infer Q } ? NonNullable<Q> : never;

type RequestContent<Id extends ConversationOperationId> = operations[Id] extends {
  requestBody?: { content: infer C };
}
  ? C
  : never;

/** The `application/json` request body of an operation. */
export type JsonBody<Id extends ConversationOperationId> =
  RequestContent<Id> extends { 'application/json': infer B } ? B : never;

/** The `multipart/form-data` fields of an operation (upload-file-attachments). */
export type MultipartBody<Id extends ConversationOperationId> =
  RequestContent<Id> extends {
    'multipart/form-data': infer B;
  }
    ? B
    : never;

/** The 2xx status codes an operation declares. */
export type SuccessStatus<Id extends ConversationOperationId> = Extract<keyof operations[Id]['responses'], 200 | 201>;

/** The JSON response of an operation for a status (its success status by default). */
export type JsonResponse<
  Id extends ConversationOperationId,
  Status extends keyof operations[Id]['responses'] = SuccessStatus<Id>,
> = operations[Id]['responses'][Status] extends { content: { 'application/json': infer R } } ? R : never;
