/**
 * Per-operation request schemas (path parameters, query parameters, body) read from an OpenAPI
 * document, in the form the request validator compiles. Body schemas stay `$ref`s into the document,
 * which the validator registers whole, so shared component schemas resolve exactly as published.
 */

type Json = Record<string, any>;

export interface ParamSchema {
  name: string;
  required: boolean;
  schema: Json;
  /**
   * A string enum whose description says values are comma-separated (get-messages `type`,
   * example "TYPE_SMS,TYPE_CALL"): the value stays one string and each part is checked against the enum.
   */
  commaList: boolean;
}

export interface OperationSchemas {
  operationId: string;
  pathParams: ParamSchema[];
  queryParams: ParamSchema[];
  body: { contentType: string; required: boolean; schema: Json } | null;
}

const METHODS = ['get', 'post', 'put', 'delete'] as const;

function toParam(p: Json): ParamSchema {
  const schema: Json = p.schema ?? {};
  const commaList = Array.isArray(schema.enum) && /comma/i.test(String(p.description ?? ''));
  return { name: p.name, required: Boolean(p.required), schema, commaList };
}

/** Rewrites document-local `$ref`s ("#/components/...") to point into the document registered as `docId`. */
function qualifyRefs(schema: Json, docId: string): Json {
  const json = JSON.stringify(schema).replace(/"\$ref":"#\//g, `"$ref":"${docId}#/`);
  return JSON.parse(json);
}

/** Reads the request schemas of every operation in `doc`, keyed by operationId. */
export function readOperationSchemas(doc: Json, docId: string): OperationSchemas[] {
  const result: OperationSchemas[] = [];
  for (const item of Object.values<Json>(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op: Json | undefined = item[method];
      if (!op) continue;
      const params: Json[] = op.parameters ?? [];
      const content: Json = op.requestBody?.content ?? {};
      const contentType = Object.keys(content)[0];
      result.push({
        operationId: op.operationId,
        pathParams: params.filter((p) => p.in === 'path').map(toParam),
        queryParams: params.filter((p) => p.in === 'query').map(toParam),
        body: contentType
          ? {
              contentType,
              required: Boolean(op.requestBody?.required),
              schema: qualifyRefs(content[contentType]?.schema ?? {}, docId),
            }
          : null,
      });
    }
  }
  return result;
}
