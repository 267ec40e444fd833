/**
 * Loads `parley.config.yaml` (or the file PARLEY_CONFIG names) into a ParleyFileConfig with every
 * default filled in. A missing default file means "all defaults": the built-in sandbox is the
 * target until real credentials are configured. Every problem is reported with the
 * file, line, column and key path, all at once, as one ConfigError.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { describeIssues, findSecretKeys, type Located } from '../config/config-issues.js';
import { ConfigError, loadConfig } from '../config/load-config.js';
import { positionOf } from '../config/yaml-positions.js';
import type { ParleyFileConfig } from './config-types.js';
import { applyFileDefaults } from './file-config-defaults.js';
import { FileConfigSchema, type RawFileConfig } from './file-config-schema.js';

export const DEFAULT_CONFIG_FILE = 'parley.config.yaml';

export interface LoadFileConfigOptions {
  /** Explicit file; overrides PARLEY_CONFIG. A file named explicitly must exist. */
  path?: string;
  env: NodeJS.ProcessEnv;
  /** The built-in sandbox's URL when it is not on 127.0.0.1:PARLEY_SANDBOX_PORT (tests, `parley start`). */
  sandboxUrl?: string;
  /** Where relative paths (and the default file) are looked up; default process.cwd(). */
  cwd?: string;
}

export async function loadFileConfig(options: LoadFileConfigOptions): Promise<ParleyFileConfig> {
  const envConfig = loadConfig(options.env);
  const explicit = options.path ?? envConfig.configFile;
  const file = explicit ?? DEFAULT_CONFIG_FILE;

  const source = await readSource(resolve(options.cwd ?? process.cwd(), file), file, explicit !== undefined);
  const raw = source === null ? {} : parseAndValidate(file, source);
  return applyFileDefaults(raw, {
    env: options.env,
    port: envConfig.port,
    sandboxUrl: options.sandboxUrl ?? `http://127.0.0.1:${envConfig.sandboxPort}`,
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
}

async function readSource(absolute: string, file: string, required: boolean): Promise<string | null> {
  try {
    return await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return null;
    const reason = code === 'ENOENT' ? 'file not found' : (code ?? 'unreadable');
    throw new ConfigError(`cannot read config file ${file}: ${reason}`);
  }
}

function parseAndValidate(file: string, source: string): RawFileConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((error) => {
      const pos = error.linePos?.[0] ?? { line: 1, col: 1 };
      return `${file}:${pos.line}:${pos.col} ${error.message.split('\n')[0]}`;
    });
    throw new ConfigError(`invalid config file:\n${lines.join('\n')}`);
  }
  const where: Located = { doc, lineCounter, file, schema: FileConfigSchema };
  const secrets = findSecretKeys(where);
  if (secrets.length > 0) throw new ConfigError(`invalid config file:\n${secrets.join('\n')}`);

  // An empty file (or one with only comments) is an empty configuration.
  const value: unknown = doc.toJS() ?? {};
  const parsed = FileConfigSchema.safeParse(value);
  if (!parsed.success) {
    throw new ConfigError(`invalid config file:\n${describeIssues(where, parsed.error.issues).join('\n')}`);
  }
  const highlevel = parsed.data.highlevel;
  if (highlevel?.target === 'live' && highlevel.clientId === undefined) {
    // Checked here rather than with the defaults, where the file's positions are no longer known.
    const pos = positionOf(doc, lineCounter, ['highlevel', 'target']);
    throw new ConfigError(
      `invalid config file:\n${file}:${pos.line}:${pos.col} highlevel.clientId is required when highlevel.target is live (the Client ID from your Marketplace app)`,
    );
  }
  return parsed.data;
}
