import type { Command } from 'commander';

/** A command module: registers its command(s) on the program. */
export interface CommandModule {
  register(program: Command): void;
}

/**
 * One top-level command as `parley --help` lists it, without loading it: the module (and the module tree
 * behind it: the server, the store, the sandboxes…) is imported only when that command runs, so
 * `parley --help` and each command start with just what they use. `term` and `summary` repeat what the
 * module registers; test/cli/command-manifest.test.ts fails when they drift apart.
 */
export interface CommandEntry {
  name: string;
  /** The command as help lists it: name, `[options]` when it has options, its arguments. */
  term: string;
  summary: string;
  load: () => Promise<CommandModule>;
}

const start = () => import('./start.js');

/** Order here is the order in `parley --help`. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'init',
    term: 'init',
    summary: 'first-time setup: data directory, master key file (mode 0600), database and vault',
    load: () => import('./init.js'),
  },
  {
    name: 'start',
    term: 'start [options]',
    summary:
      'run parley in one process: HTTP server, worker, token refresh, and (when highlevel.target is sandbox) the built-in sandboxes',
    load: start,
  },
  {
    name: 'serve',
    term: 'serve [options]',
    summary: 'run the HTTP side only (webhooks in, OAuth install, health); pair with `parley worker`',
    load: start,
  },
  {
    name: 'worker',
    term: 'worker [options]',
    summary: 'run the job worker and token refresher only; pair with `parley serve`',
    load: start,
  },
  {
    name: 'connect',
    term: 'connect',
    summary: 'connect an account: HighLevel (OAuth or Private Integration Token) or Accelevents (API key)',
    load: () => import('./connect.js'),
  },
  {
    name: 'connections',
    term: 'connections [options]',
    summary: 'list connected accounts: status, scopes, token expiry, last refresh, failures today',
    load: () => import('./connections.js'),
  },
  {
    name: 'scopes',
    term: 'scopes [options]',
    summary: 'the minimal HighLevel scopes for the enabled features, why each is needed, and what connections lack',
    load: () => import('./scopes.js'),
  },
  {
    name: 'doctor',
    term: 'doctor [options]',
    summary:
      'check config, keys, store, connections (status, probe, scopes) and clock skew, with a fix for each problem',
    load: () => import('./doctor.js'),
  },
  {
    name: 'workflows',
    term: 'workflows',
    summary: 'check and list no-code workflow definitions (YAML)',
    load: () => import('./workflows.js'),
  },
  {
    name: 'catalog',
    term: 'catalog [options]',
    summary: 'every workflow trigger and action, with the HighLevel scopes each needs and whether it is unsafe',
    load: () => import('./catalog.js'),
  },
  {
    name: 'backfill',
    term: 'backfill [options]',
    summary: "import an Accelevents event's existing attendees (welcome flows in the backfill lane)",
    load: () => import('./backfill.js'),
  },
  {
    name: 'simulate',
    term: 'simulate [options]',
    summary: 'send sample attendees through parley and the sandboxes and print a report',
    load: () => import('./simulate.js'),
  },
  { name: 'keys', term: 'keys', summary: 'manage the vault keys', load: () => import('./keys.js') },
  { name: 'users', term: 'users', summary: 'console users and their API tokens', load: () => import('./users.js') },
  {
    name: 'marketplace',
    term: 'marketplace',
    summary: "the HighLevel Marketplace app: parley's workflow triggers and actions",
    load: () => import('./marketplace.js'),
  },
  {
    name: 'dlq',
    term: 'dlq',
    summary: 'jobs that failed for good: list them, replay them',
    load: () => import('./dlq.js'),
  },
  {
    name: 'inbox',
    term: 'inbox',
    summary: 'stored webhook deliveries: list them, show one, send them through the mapping again',
    load: () => import('./inbox.js'),
  },
  {
    name: 'preferences',
    term: 'preferences',
    summary: "attendees' answers to preference questions (the check-in question)",
    load: () => import('./preferences.js'),
  },
  {
    name: 'notes',
    term: 'notes',
    summary: 'notes HighLevel workflows added to attendees (parley_add_note)',
    load: () => import('./notes.js'),
  },
  {
    name: 'ghl',
    term: 'ghl [options] <operationId>',
    summary: 'call a HighLevel Conversations operation by its operationId (default target: the built-in sandbox)',
    load: () => import('./ghl.js'),
  },
  {
    name: 'sandbox',
    term: 'sandbox [options]',
    summary: 'run the built-in HighLevel sandbox (Conversations API + OAuth) with sample attendees',
    load: () => import('./sandbox.js'),
  },
  {
    name: 'accelevents-sandbox',
    term: 'accelevents-sandbox [options]',
    summary: 'run the built-in Accelevents sandbox (events, attendees, orders, sessions, check-in, webhooks)',
    load: () => import('./accelevents-sandbox.js'),
  },
];
