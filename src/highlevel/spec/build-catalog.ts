/** Derives a compact operation catalog from a (bundled, patched) OpenAPI document. */
type Json = Record<string, any>;

export interface CatalogOperation {
  operationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  summary: string;
  /** Scopes from the operation's `security` block (any one of them suffices). */
  scopes: string[];
  pathParams: string[];
  queryParams: { name: string; required: boolean }[];
  /** Content type of the request body, if the operation takes one. */
  bodyContentType: string | null;
  bodyRequired: boolean;
  /** The `Version` header value the operation declares, or null when the spec declares none. */
  version: string | null;
  successStatus: number;
  /** How the success body is encoded: JSON, a binary download, plain text, or unspecified. */
  responseKind: 'json' | 'binary' | 'text' | 'unspecified';
}

const METHODS = ['get', 'post', 'put', 'delete'] as const;

function responseKind(op: Json, status: string): CatalogOperation['responseKind'] {
  const res = op.responses?.[status] ?? {};
  if (res.content?.['application/json']) return 'json';
  const declaredType = String(res.headers?.['Content-Type']?.description ?? '');
  if (declaredType.startsWith('audio/')) return 'binary';
  if (declaredType.startsWith('text/')) return 'text';
  return 'unspecified';
}

export function buildCatalog(doc: Json): CatalogOperation[] {
  const ops: CatalogOperation[] = [];
  for (const [path, item] of Object.entries<Json>(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params: Json[] = op.parameters ?? [];
      const scopes = new Set<string>();
      for (const req of op.security ?? [])
        for (const list of Object.values<string[]>(req)) for (const s of list) scopes.add(s);
      const contentTypes = Object.keys(op.requestBody?.content ?? {});
      const statuses = Object.keys(op.responses ?? {}).filter((s) => s.startsWith('2'));
      const success = statuses[0] ?? '200';
      const versionParam = params.find((p) => p.in === 'header' && p.name === 'Version');
      ops.push({
        operationId: op.operationId,
        method: method.toUpperCase() as CatalogOperation['method'],
        path,
        summary: op.summary ?? '',
        scopes: [...scopes],
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: params
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, required: Boolean(p.required) })),
        bodyContentType: contentTypes[0] ?? null,
        bodyRequired: Boolean(op.requestBody?.required),
        version: versionParam?.schema?.enum?.[0] ?? null,
        successStatus: Number(success),
        responseKind: responseKind(op, success),
      });
    }
  }
  return ops.sort((a, b) => a.operationId.localeCompare(b.operationId));
}
