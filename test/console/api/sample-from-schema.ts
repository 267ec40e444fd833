/**
 * The smallest input an OpenAPI operation's own JSON schemas accept: required query parameters and
 * required body fields, each with a value of the declared type, enum, format and bounds. The role
 * matrix sends it so schema validation passes and the route's role check and handler decide the answer.
 */

export interface OpenApiSchema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  items?: OpenApiSchema;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  minimum?: number;
  minLength?: number;
  minItems?: number;
  anyOf?: OpenApiSchema[];
  oneOf?: OpenApiSchema[];
}

export interface OpenApiOperation {
  parameters?: { name: string; in: string; required?: boolean; schema?: OpenApiSchema }[];
  requestBody?: { content?: Record<string, { schema?: OpenApiSchema }> };
  'x-parley-roles'?: string[];
}

export function sampleOf(operation: OpenApiOperation, part: 'query'): Record<string, unknown>;
export function sampleOf(operation: OpenApiOperation, part: 'body'): unknown;
export function sampleOf(operation: OpenApiOperation, part: 'query' | 'body'): unknown {
  if (part === 'query') {
    const query: Record<string, unknown> = {};
    for (const parameter of operation.parameters ?? []) {
      if (parameter.in === 'query' && parameter.required) query[parameter.name] = sampleValue(parameter.schema);
    }
    return query;
  }
  return sampleValue(operation.requestBody?.content?.['application/json']?.schema ?? { type: 'object' });
}

function sampleValue(schema: OpenApiSchema | undefined): unknown {
  if (schema === undefined) return 'x';
  if (schema.enum !== undefined) return schema.enum[0];
  const variant = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (variant !== undefined) return sampleValue(variant);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const name of schema.required ?? []) value[name] = sampleValue(schema.properties?.[name]);
      return value;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sampleValue(schema.items));
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    default:
      return sampleString(schema);
  }
}

function sampleString(schema: OpenApiSchema): string {
  switch (schema.format) {
    case 'uri':
    case 'url':
      return 'https://example.com/file.png';
    case 'date-time':
      return new Date(0).toISOString();
    case 'date':
      return '2026-01-01';
    case 'email':
      return 'someone@example.com';
    default:
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
  }
}
