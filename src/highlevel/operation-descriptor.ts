/** The read-only view of a `CatalogOperation` (src/highlevel/spec/build-catalog.ts) the request core needs. */
export interface OperationDescriptor {
  readonly operationId: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly scopes: readonly string[];
  readonly pathParams: readonly string[];
  readonly queryParams: readonly { readonly name: string; readonly required: boolean }[];
  readonly bodyContentType: string | null;
  readonly bodyRequired: boolean;
  /** The `Version` header the spec declares; null on the two operations that declare none. */
  readonly version: string | null;
  readonly responseKind: 'json' | 'binary' | 'text' | 'unspecified';
}
