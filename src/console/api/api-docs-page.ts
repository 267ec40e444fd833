/**
 * Turns the console's OpenAPI document into what templates/api-docs.liquid shows: operations grouped
 * by tag, each with its method, path, summary, roles (`x-parley-roles`), parameters and body fields.
 * Server-rendered so the page needs no script or external asset (the console's CSP is
 * `default-src 'self'`, and swagger-ui is not a dependency).
 */
import { ROLES_EXTENSION } from './api-route.js';

/** The parts of an OpenAPI 3 document this page reads. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, OpenApiOperation | undefined>>;
}

interface JsonSchema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  description?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

interface OpenApiOperation {
  summary?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: JsonSchema }[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
  [ROLES_EXTENSION]?: string[];
}

export interface FieldView {
  name: string;
  where: string;
  type: string;
  required: boolean;
  description: string;
}

export interface OperationView {
  id: string;
  method: string;
  path: string;
  summary: string;
  roles: string;
  parameters: FieldView[];
  bodyContentType: string;
  bodyFields: FieldView[];
}

export interface ApiDocsView {
  apiTitle: string;
  apiVersion: string;
  groups: { tag: string; anchor: string; operations: OperationView[] }[];
  operationCount: number;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export function toApiDocsView(document: OpenApiDocument): ApiDocsView {
  const groups = new Map<string, OperationView[]>();
  let operationCount = 0;
  for (const [path, item] of Object.entries(document.paths).sort(([a], [b]) => a.localeCompare(b))) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation === undefined) continue;
      const tag = operation.tags?.[0] ?? 'other';
      const list = groups.get(tag) ?? [];
      list.push(toOperationView(method, path, operation));
      groups.set(tag, list);
      operationCount += 1;
    }
  }
  return {
    apiTitle: document.info.title,
    apiVersion: document.info.version,
    groups: [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([tag, operations]) => ({ tag, anchor: `tag-${slug(tag)}`, operations })),
    operationCount,
  };
}

function toOperationView(method: string, path: string, operation: OpenApiOperation): OperationView {
  const roles = operation[ROLES_EXTENSION];
  const [bodyContentType, body] = Object.entries(operation.requestBody?.content ?? {})[0] ?? ['', undefined];
  return {
    id: slug(`${method}-${path}`),
    method: method.toUpperCase(),
    path,
    summary: operation.summary ?? '',
    roles: roles?.join(', ') ?? rolesNotDeclared(method, path),
    parameters: (operation.parameters ?? []).map((parameter) => ({
      name: parameter.name,
      where: parameter.in,
      type: describeType(parameter.schema),
      required: parameter.required === true,
      description: parameter.description ?? parameter.schema?.description ?? '',
    })),
    bodyContentType,
    bodyFields: bodyFieldsOf(body?.schema),
  };
}

/**
 * Every /api route but POST /api/login rejects unauthenticated callers. Routes registered
 * outside apiRoute (registerConsoleAuth's logout and me) carry no roles list, so say what is known.
 */
function rolesNotDeclared(method: string, path: string): string {
  return method === 'post' && path === '/api/login' ? 'anyone (this is how you sign in)' : 'any signed-in caller';
}

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

function bodyFieldsOf(schema: JsonSchema | undefined): FieldView[] {
  if (schema?.properties === undefined) return [];
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties).map(([name, field]) => ({
    name,
    where: 'body',
    type: describeType(field),
    required: required.has(name),
    description: field.description ?? '',
  }));
}

/** A short human description of a JSON schema: "string (date-time)", "integer 1–100", "one of: a, b". */
export function describeType(schema: JsonSchema | undefined): string {
  if (schema === undefined) return 'any';
  if (schema.enum !== undefined) return `one of: ${schema.enum.map((value) => String(value)).join(', ')}`;
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants !== undefined) return variants.map(describeType).join(' or ');
  const type = Array.isArray(schema.type) ? schema.type.join(' or ') : (schema.type ?? 'any');
  if (type === 'array') return `array of ${describeType(schema.items)}`;
  const details: string[] = [];
  if (schema.format !== undefined) details.push(schema.format);
  if (schema.minimum !== undefined || schema.maximum !== undefined) {
    details.push(`${schema.minimum ?? '…'}–${schema.maximum ?? '…'}`);
  }
  if (schema.minLength !== undefined || schema.maxLength !== undefined) {
    details.push(`length ${schema.minLength ?? 0}–${schema.maxLength ?? '…'}`);
  }
  return details.length > 0 ? `${type} (${details.join(', ')})` : type;
}
