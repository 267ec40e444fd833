/**
 * Workflows saved from the console, versioned. Every save adds a `workflow_versions` row (author,
 * time, what happened) and points `workflows.version` at it; nothing is overwritten, so a diff or a
 * restore reads old rows. A delete marks the workflow deleted and keeps its versions: saving the name
 * again continues its numbering. Each change also bumps one `settings` row, the revision, in the same
 * transaction, so every process can tell with one cheap read that its copy is stale
 * (src/features/live-workflows.ts). Definitions arrive checked; this file only stores.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { newSortableId } from '../store/sortable-id.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import type { WorkflowDefinition } from './definition-schema.js';
import { WorkflowError } from './workflow-error.js';

/** The settings row every save rewrites; its value changes on every change. */
export const WORKFLOWS_REVISION_KEY = 'workflows.revision';

export interface StoredWorkflow {
  name: string;
  version: number;
  /** The built-in this was copied from (it replaces that built-in), or null. */
  basedOn: string | null;
  definition: WorkflowDefinition;
  createdAt: number;
  updatedAt: number;
  /** Who saved the current version. */
  author: string;
}

export interface WorkflowVersion {
  name: string;
  version: number;
  definition: WorkflowDefinition;
  author: string;
  /** created | edited | imported | restored from N */
  note: string;
  createdAt: number;
}

export interface SaveInput {
  definition: WorkflowDefinition;
  author: string;
  note: string;
  basedOn?: string | null;
  /** create: refuse an existing name; update: refuse a missing one. */
  mode: 'create' | 'update' | 'upsert';
}

export function createWorkflowStore(db: Kysely<Database>, now: () => number = Date.now) {
  async function current(name?: string): Promise<StoredWorkflow[]> {
    let query = db
      .selectFrom('workflows as w')
      .innerJoin('workflow_versions as v', (join) =>
        join.onRef('v.name', '=', 'w.name').onRef('v.version', '=', 'w.version'),
      )
      .select(['w.name', 'w.version', 'w.based_on', 'w.created_at', 'w.updated_at', 'v.definition', 'v.author'])
      .where('w.deleted_at', 'is', null);
    if (name !== undefined) query = query.where('w.name', '=', name);
    const rows = await query.orderBy('w.name').execute();
    return rows.map((row) => ({
      name: row.name,
      version: Number(row.version),
      basedOn: row.based_on,
      definition: JSON.parse(row.definition) as WorkflowDefinition,
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
      author: row.author,
    }));
  }

  async function get(name: string): Promise<StoredWorkflow | null> {
    return (await current(name))[0] ?? null;
  }

  async function bumpRevision(trx: Kysely<Database>, at: number): Promise<void> {
    const value = newSortableId();
    await trx
      .insertInto('settings')
      .values({ key: WORKFLOWS_REVISION_KEY, value, updated_at: at })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at }))
      .execute();
  }

  return {
    list: () => current(),
    get,

    /** The revision every save changes ('' before the first). */
    async revision(): Promise<string> {
      const row = await db
        .selectFrom('settings')
        .select('value')
        .where('key', '=', WORKFLOWS_REVISION_KEY)
        .executeTakeFirst();
      return row?.value ?? '';
    },

    async save(input: SaveInput): Promise<StoredWorkflow> {
      const { name } = input.definition;
      const at = now();
      try {
        await db.transaction().execute(async (trx) => {
          const row = await trx.selectFrom('workflows').selectAll().where('name', '=', name).executeTakeFirst();
          const live = row !== undefined && row.deleted_at === null;
          if (input.mode === 'create' && live) {
            throw new WorkflowError('workflow_exists', `a workflow named ${name} already exists; edit it instead`);
          }
          if (input.mode === 'update' && !live) {
            throw new WorkflowError('workflow_not_found', `no workflow named ${name} is saved`);
          }
          const last = await trx
            .selectFrom('workflow_versions')
            .select((eb) => eb.fn.max('version').as('max'))
            .where('name', '=', name)
            .executeTakeFirst();
          const version = Number(last?.max ?? 0) + 1;
          await trx
            .insertInto('workflow_versions')
            .values({
              name,
              version,
              definition: JSON.stringify(input.definition),
              author: input.author,
              note: input.note,
              created_at: at,
            })
            .execute();
          const basedOn = input.basedOn !== undefined ? input.basedOn : live ? row.based_on : null;
          if (row === undefined) {
            await trx
              .insertInto('workflows')
              .values({ name, version, based_on: basedOn, created_at: at, updated_at: at, deleted_at: null })
              .execute();
          } else {
            await trx
              .updateTable('workflows')
              .set({
                version,
                based_on: basedOn,
                updated_at: at,
                deleted_at: null,
                ...(live ? {} : { created_at: at }),
              })
              .where('name', '=', name)
              .execute();
          }
          await bumpRevision(trx, at);
        });
      } catch (error) {
        // Two saves of one workflow at once both chose the same next version: one wins, one is told.
        if (isUniqueViolation(error)) {
          throw new WorkflowError(
            'version_conflict',
            `workflow ${name} was saved by someone else just now; reload it and save again`,
            {
              retryable: true,
              cause: error,
            },
          );
        }
        throw error;
      }
      const saved = await get(name);
      if (!saved) throw new Error(`workflow ${name} saved and not found`);
      return saved;
    },

    /**
     * Marks it deleted; its versions stay, and the deletion is a version of its own (who, when), so the
     * history shows it and the last definition can be restored. False when there was nothing to delete.
     */
    async remove(name: string, author: string): Promise<boolean> {
      const at = now();
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('workflows as w')
          .innerJoin('workflow_versions as v', (join) =>
            join.onRef('v.name', '=', 'w.name').onRef('v.version', '=', 'w.version'),
          )
          .select(['w.version', 'v.definition'])
          .where('w.name', '=', name)
          .where('w.deleted_at', 'is', null)
          .executeTakeFirst();
        if (!row) return false;
        const version = Number(row.version) + 1;
        await trx
          .insertInto('workflow_versions')
          .values({ name, version, definition: row.definition, author, note: 'deleted', created_at: at })
          .execute();
        await trx
          .updateTable('workflows')
          .set({ version, deleted_at: at, updated_at: at })
          .where('name', '=', name)
          .execute();
        await bumpRevision(trx, at);
        return true;
      });
    },

    /** Every saved version, newest first. */
    async versions(name: string): Promise<WorkflowVersion[]> {
      const rows = await db
        .selectFrom('workflow_versions')
        .selectAll()
        .where('name', '=', name)
        .orderBy('version', 'desc')
        .execute();
      return rows.map(versionOf);
    },

    async version(name: string, version: number): Promise<WorkflowVersion> {
      const row = await db
        .selectFrom('workflow_versions')
        .selectAll()
        .where('name', '=', name)
        .where('version', '=', version)
        .executeTakeFirst();
      if (!row) throw new WorkflowError('version_not_found', `workflow ${name} has no version ${version}`);
      return versionOf(row);
    },
  };
}

export type WorkflowStore = ReturnType<typeof createWorkflowStore>;

function versionOf(row: Database['workflow_versions']): WorkflowVersion {
  return {
    name: row.name,
    version: Number(row.version),
    definition: JSON.parse(row.definition) as WorkflowDefinition,
    author: row.author,
    note: row.note,
    createdAt: Number(row.created_at),
  };
}
