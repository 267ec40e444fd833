/**
 * Workflows edited in the console live in the database, versioned: `workflows` holds each one's
 * current version (or its deletion), `workflow_versions` every saved definition with its author, so a
 * diff or a restore reads only rows. Runs record the version they ran (null: a built-in or a file) and
 * each step the input it rendered, which the run page shows beside the output. `console_changes` is
 * the audit log of what admins change in the console (workflows, switches, the mapping).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('workflows')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('version', 'integer', (col) => col.notNull()) // the current one
    .addColumn('based_on', 'text') // the built-in it was copied from, if any
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .addColumn('deleted_at', 'bigint')
    .execute();
  await db.schema
    .createTable('workflow_versions')
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('definition', 'text', (col) => col.notNull()) // JSON, as the YAML would hold it
    .addColumn('author', 'text', (col) => col.notNull())
    .addColumn('note', 'text', (col) => col.notNull()) // created | edited | restored from N | imported | deleted
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('workflow_versions_pk', ['name', 'version'])
    .execute();
  await db.schema
    .createTable('console_changes')
    .addColumn('id', 'text', (col) => col.primaryKey()) // sortable: newest last
    .addColumn('at', 'bigint', (col) => col.notNull())
    .addColumn('actor', 'text', (col) => col.notNull()) // a console user's email, or cli:<user>
    .addColumn('action', 'text', (col) => col.notNull()) // e.g. workflow.edited, workflow.switched_off
    .addColumn('target', 'text', (col) => col.notNull()) // e.g. the workflow's name
    .addColumn('detail', 'text') // JSON: version, note, …
    .execute();
  await db.schema.createIndex('console_changes_at_idx').on('console_changes').column('at').execute();
  await db.schema.alterTable('workflow_runs').addColumn('version', 'integer').execute();
  await db.schema.alterTable('run_steps').addColumn('input', 'text').execute();
  await db.schema
    .createIndex('workflow_runs_workflow_started_idx')
    .on('workflow_runs')
    .columns(['workflow', 'started_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('workflow_runs_workflow_started_idx').execute();
  await db.schema.alterTable('run_steps').dropColumn('input').execute();
  await db.schema.alterTable('workflow_runs').dropColumn('version').execute();
  await db.schema.dropTable('console_changes').execute();
  await db.schema.dropTable('workflow_versions').execute();
  await db.schema.dropTable('workflows').execute();
}
