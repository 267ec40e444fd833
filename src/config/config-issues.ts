/**
 * Everything that can be wrong in the file, as `<file>:<line>:<col> <key path>: <what was expected>`.
 * Values are echoed only for enum mismatches (short, and the file holds no secrets: refuseSecrets
 * runs first), so an error line never carries a token.
 */
import type { Document, LineCounter } from 'yaml';
import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import { z } from 'zod';
import { formatKeyPath, type KeyPath, positionOf, positionOfKey } from './yaml-positions.js';

export interface Located {
  doc: Document;
  lineCounter: LineCounter;
  /** The file name as shown in messages. */
  file: string;
  /** The schema the file was checked against, for "expected one of" on unknown keys. */
  schema: z.ZodType;
}

export function describeIssues(where: Located, issues: readonly z.core.$ZodIssue[]): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeysAt(where.schema, path);
      for (const key of issue.keys) {
        const pos = positionOfKey(where.doc, where.lineCounter, path, key);
        lines.push(
          `${where.file}:${pos.line}:${pos.col} ${formatKeyPath([...path, key])}: unknown key; expected one of ${allowed.join(', ')}`,
        );
      }
      continue;
    }
    const pos = positionOf(where.doc, where.lineCounter, path);
    lines.push(`${where.file}:${pos.line}:${pos.col} ${formatKeyPath(path)}: ${expectation(issue, where.doc, path)}`);
  }
  return lines;
}

function expectation(issue: z.core.$ZodIssue, doc: Document, path: KeyPath): string {
  if (issue.code === 'invalid_value') {
    const got = doc.getIn(path);
    const shown = typeof got === 'string' && got.length <= 60 ? `, got "${got}"` : '';
    return `expected one of ${issue.values.map(String).join(', ')}${shown}`;
  }
  if (issue.code === 'invalid_type')
    return `expected ${issue.expected === 'int' ? 'an integer' : `a ${issue.expected}`}`;
  if (issue.code === 'too_small')
    return `expected ${issue.origin === 'string' ? 'a non-empty string' : `at least ${String(issue.minimum)}`}`;
  return issue.message;
}

/** Keys that would hold a secret, and where each secret belongs instead. */
const SECRET_KEYS: Record<string, string> = {
  clientsecret: 'set the HIGHLEVEL_CLIENT_SECRET environment variable instead',
  client_secret: 'set the HIGHLEVEL_CLIENT_SECRET environment variable instead',
  apikey: 'store it in the vault with `parley connect accelevents`',
  api_key: 'store it in the vault with `parley connect accelevents`',
  accesstoken: 'store it in the vault with `parley connect highlevel`',
  access_token: 'store it in the vault with `parley connect highlevel`',
  refreshtoken: 'store it in the vault with `parley connect highlevel`',
  refresh_token: 'store it in the vault with `parley connect highlevel`',
  token: 'store it in the vault with `parley connect highlevel`',
  masterkey: 'set PARLEY_MASTER_KEY or use the key file `parley init` creates',
  password: 'put it in DATABASE_URL in the environment',
};

/** Where the secret a key would hold belongs instead; undefined for a key that holds no secret. */
function secretFix(path: readonly (string | number)[]): string | undefined {
  const key = String(path.at(-1)).toLowerCase();
  if (path[0] === 'server' && path[1] === 'metrics' && key === 'token') {
    return 'put it in an environment variable and name that variable in server.metrics.tokenEnv';
  }
  return SECRET_KEYS[key];
}

/**
 * The file is often committed to a repository; a secret in it would leak. Refused before
 * validation, by key name, without echoing the value.
 */
export function findSecretKeys(where: Located): string[] {
  const found: string[] = [];
  const visit = (node: unknown, path: (string | number)[]): void => {
    if (isMap(node)) {
      for (const item of node.items) {
        if (!isPair(item) || !isScalar(item.key)) continue;
        const key = String(item.key.value);
        const fix = secretFix([...path, key]);
        if (fix !== undefined) {
          const pos = item.key.range ? where.lineCounter.linePos(item.key.range[0]) : { line: 1, col: 1 };
          found.push(
            `${where.file}:${pos.line}:${pos.col} ${formatKeyPath([...path, key])}: secrets are not accepted in the config file; ${fix}`,
          );
        } else {
          visit(item.value as Node, [...path, key]);
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        visit(item, [...path, index]);
      });
    }
  };
  visit(where.doc.contents, []);
  return found;
}

/** The keys allowed at a path of `root`, for the hint on an unknown key. */
export function allowedKeysAt(root: z.ZodType, path: readonly PropertyKey[]): string[] {
  let schema: z.ZodType = root;
  for (const segment of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject && typeof segment === 'string') {
      const next = (schema.shape as Record<string, z.ZodType>)[segment];
      if (!next) return [];
      schema = next;
    } else if (schema instanceof z.ZodArray) {
      schema = schema.element as z.ZodType;
    } else {
      return [];
    }
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
}
