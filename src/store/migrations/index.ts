/**
 * Every migration, in order. A static record rather than Kysely's FileMigrationProvider, which
 * reads the folder at run time and so breaks under tsx's loader names and inside bundles.
 * Add a migration by creating `NNNN-name.ts` with `up` and `down` and listing it here, last.
 * Each run is one transaction on both databases (see sqlite-dialect.ts), so a migration must not
 * rely on statements that refuse transactions (Postgres `CREATE INDEX CONCURRENTLY`, SQLite
 * `PRAGMA foreign_keys`).
 */
import type { Migration } from 'kysely';
import * as foundation from './0001-foundation.js';
import * as credentials from './0002-credentials.js';
import * as pipeline from './0003-pipeline.js';
import * as users from './0004-users.js';
import * as localIndex from './0005-local-index.js';
import * as indexSearchSpeed from './0006-index-search-speed.js';
import * as topicSearchByConversation from './0007-topic-search-by-conversation.js';
import * as inboxReasons from './0008-inbox-reasons.js';
import * as consoleSecurity from './0009-console-security.js';
import * as sponsorChannel from './0010-sponsor-channel.js';
import * as indexWrites from './0011-index-writes.js';
import * as rateWindowConfirmed from './0012-rate-window-confirmed.js';
import * as workflowStudio from './0013-workflow-studio.js';
import * as searchPostgresSpeed from './0014-search-postgres-speed.js';
import * as marketplace from './0015-marketplace.js';
import * as attendeeNotes from './0016-attendee-notes.js';
import * as rateCallsInFlight from './0017-rate-calls-in-flight.js';
import * as subscriptionGone from './0018-subscription-gone.js';

export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-foundation': foundation,
  '0002-credentials': credentials,
  '0003-pipeline': pipeline,
  '0004-users': users,
  '0005-local-index': localIndex,
  '0006-index-search-speed': indexSearchSpeed,
  '0007-topic-search-by-conversation': topicSearchByConversation,
  '0008-inbox-reasons': inboxReasons,
  '0009-console-security': consoleSecurity,
  '0010-sponsor-channel': sponsorChannel,
  '0011-index-writes': indexWrites,
  '0012-rate-window-confirmed': rateWindowConfirmed,
  '0013-workflow-studio': workflowStudio,
  '0014-search-postgres-speed': searchPostgresSpeed,
  '0015-marketplace': marketplace,
  '0016-attendee-notes': attendeeNotes,
  '0017-rate-calls-in-flight': rateCallsInFlight,
  '0018-subscription-gone': subscriptionGone,
};
