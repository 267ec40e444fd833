/**
 * `accelevents.webhook` in parley.config.yaml: read through the real config loader, merged with the
 * intake's defaults, and every mistake reported at file:line:col with the key path.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFileConfig } from '../../src/app/load-file-config.js';
import { DEFAULT_FIELD_CANDIDATES } from '../../src/intake/default-mapping.js';
import { resolveWebhookConfig } from '../../src/intake/webhook-config.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-intake-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function load(text: string) {
  await writeFile(join(dir, 'parley.config.yaml'), text);
  return loadFileConfig({ env: {}, cwd: dir });
}

async function messageOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the config to be rejected');
}

describe('accelevents.webhook configuration', () => {
  it('merges the file’s settings over the intake defaults', async () => {
    const config = await load(
      [
        'accelevents:',
        '  webhook:',
        '    hmac: { header: X-Relay-Signature, secretEnv: RELAY_HMAC, encoding: base64 }',
        '    deliveryIdHeader: X-Delivery-Id',
        '    refetch: true',
        '    topic:',
        '      aliases: { "Buyer Joined": registration }',
        '    fields:',
        '      email: [contact.mail]',
        '',
      ].join('\n'),
    );
    const resolved = resolveWebhookConfig(config.accelevents.webhook);
    expect(resolved.hmac).toEqual({
      header: 'x-relay-signature',
      secretEnv: 'RELAY_HMAC',
      algorithm: 'sha256',
      encoding: 'base64',
    });
    expect(resolved.deliveryIdHeader).toBe('x-delivery-id');
    expect(resolved.refetch).toBe(true);
    expect(resolved.topic.aliases).toMatchObject({
      'Buyer Joined': 'registration',
      'attendee.registered': 'registration',
    });
    expect(resolved.fields.email).toEqual(['contact.mail']);
    expect(resolved.fields.phone).toEqual(DEFAULT_FIELD_CANDIDATES.phone);
  });

  it('is absent from the loaded config when the file does not set it', async () => {
    const config = await load('features: [registration-welcome]\n');
    expect(config.accelevents.webhook).toBeUndefined();
  });

  it('resolves to the defaults when the file does not set it', async () => {
    const config = await load('features: [registration-welcome]\n');
    expect(resolveWebhookConfig(config.accelevents.webhook)).toMatchObject({ hmac: null, refetch: false });
  });

  it('reports every mistake in the file at its line:column, with its key path', async () => {
    const message = await messageOf(
      load(
        [
          'accelevents:',
          '  webhook:',
          '    hmac: { header: x-sig, secretEnv: "not a name" }',
          '    topic:',
          '      aliases: { signup: welcome }',
          '    fields:',
          '      email: [attendee.email, "attendee..email"]',
          '      zip: [postcode]',
          '',
        ].join('\n'),
      ),
    );
    expect(message).toContain(
      'parley.config.yaml:3:39 accelevents.webhook.hmac.secretEnv: expected an environment variable name',
    );
    expect(message).toContain(
      'parley.config.yaml:5:26 accelevents.webhook.topic.aliases.signup: expected one of registration, check_in, ticket_purchase, ticket_status_changed, session_check_in, got "welcome"',
    );
    expect(message).toContain(
      'parley.config.yaml:7:31 accelevents.webhook.fields.email[1]: expected a dotted JSON path such as attendee.email or attendees[0].barcode',
    );
    expect(message).toMatch(
      /parley\.config\.yaml:8:7 accelevents\.webhook\.fields\.zip: unknown key; expected one of attendeeId, ticketId, email/,
    );
  });
});
