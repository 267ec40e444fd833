import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  HIGHLEVEL_ED25519_PUBLIC_KEY_PEM,
  HIGHLEVEL_RSA_PUBLIC_KEY_PEM,
  PUBLISHED_WEBHOOK_KEYS,
} from '../../../src/intake/highlevel/published-keys.js';
import { verifyHighLevelSignature } from '../../../src/intake/highlevel/verify-signature.js';
import { parseWebhookKeys, WebhookKeyError } from '../../../src/intake/highlevel/webhook-keys.js';

const ed = generateKeyPairSync('ed25519');
const otherEd = generateKeyPairSync('ed25519');
const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
const pem = (k: { export(o: object): string | Buffer }) => k.export({ type: 'spki', format: 'pem' }).toString();
const keys = parseWebhookKeys({ ed25519: [pem(otherEd.publicKey), pem(ed.publicKey)], rsa: [pem(rsa.publicKey)] });

const body = Buffer.from('{"type":"INSTALL","locationId":"loc1","timestamp":"2026-01-05T12:00:00.000Z"}');
const edSig = (bytes: Buffer, key = ed.privateKey) => sign(null, bytes, key).toString('base64');
const rsaSig = (bytes: Buffer) => sign('sha256', bytes, rsa.privateKey).toString('base64');

describe('verifyHighLevelSignature', () => {
  it('accepts an Ed25519 x-ghl-signature made by any configured key (rotation)', () => {
    const headers = { 'x-ghl-signature': edSig(body), 'x-wh-signature': rsaSig(body) };
    expect(verifyHighLevelSignature({ rawBody: body, headers, keys })).toEqual({ ok: true, scheme: 'ed25519' });
  });

  it('falls back to the RSA x-wh-signature when there is no Ed25519 header', () => {
    const headers = { 'x-wh-signature': rsaSig(body) };
    expect(verifyHighLevelSignature({ rawBody: body, headers, keys })).toEqual({ ok: true, scheme: 'rsa' });
  });

  it('rejects a body changed by one byte under both signatures', () => {
    const headers = { 'x-ghl-signature': edSig(body), 'x-wh-signature': rsaSig(body) };
    const changed = Buffer.from(body);
    changed[10] = (changed[10] ?? 0) ^ 1;
    const check = verifyHighLevelSignature({ rawBody: changed, headers, keys });
    expect(check.ok).toBe(false);
  });

  it('rejects a signature made by a key that is not configured', () => {
    const stranger = generateKeyPairSync('ed25519');
    const headers = { 'x-ghl-signature': edSig(body, stranger.privateKey) };
    const check = verifyHighLevelSignature({ rawBody: body, headers, keys });
    expect(check).toEqual({ ok: false, reason: expect.stringContaining('no configured key verifies') });
  });

  it('rejects a request without signature headers, naming both headers', () => {
    const check = verifyHighLevelSignature({ rawBody: body, headers: {}, keys });
    expect(check).toEqual({ ok: false, reason: 'neither x-ghl-signature nor x-wh-signature is present' });
  });

  it('rejects malformed signatures without throwing', () => {
    for (const value of ['not base64!', '', edSig(body).slice(0, 40), Buffer.alloc(64).toString('base64')]) {
      const check = verifyHighLevelSignature({ rawBody: body, headers: { 'x-ghl-signature': value }, keys });
      expect(check.ok).toBe(false);
    }
  });

  it('verifies over the raw bytes, so the same JSON re-serialised differently does not verify', () => {
    const headers = { 'x-ghl-signature': edSig(body) };
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 1));
    expect(verifyHighLevelSignature({ rawBody: reserialised, headers, keys }).ok).toBe(false);
  });
});

describe('webhook keys', () => {
  it("ships HighLevel's 4096-bit RSA key (the documented fingerprint) as a default", () => {
    const parsed = parseWebhookKeys(PUBLISHED_WEBHOOK_KEYS);
    expect(parsed.rsa[0]?.asymmetricKeyDetails?.modulusLength).toBe(4096);
    const der = parsed.rsa[0]!.export({ type: 'spki', format: 'der' });
    expect(createHash('sha256').update(der).digest('hex')).toBe(
      '2f62045d413b1b7747e26770ce7f57840cbf86288cd20ceb90d299a62501fd25',
    );
    expect(HIGHLEVEL_RSA_PUBLIC_KEY_PEM).toContain('BEGIN PUBLIC KEY');
  });

  it("ships HighLevel's Ed25519 key as a default", () => {
    const parsed = parseWebhookKeys(PUBLISHED_WEBHOOK_KEYS);
    expect(parsed.ed25519[0]?.asymmetricKeyType).toBe('ed25519');
    expect(HIGHLEVEL_ED25519_PUBLIC_KEY_PEM).toContain('MCowBQYDK2VwAyEAi2HR1srL4o18O8BRa7gVJY7G7bupbN3H9AwJrHCDiOg=');
  });

  it('names the configured key that is not a PEM key, or of the wrong type', () => {
    const bad = () => parseWebhookKeys({ ed25519: [], rsa: [HIGHLEVEL_RSA_PUBLIC_KEY_PEM, 'nope'] });
    expect(bad).toThrow(WebhookKeyError);
    expect(bad).toThrow('webhookKeys.rsa[1] is not a PEM public key (SPKI)');
    expect(() => parseWebhookKeys({ ed25519: [HIGHLEVEL_RSA_PUBLIC_KEY_PEM], rsa: [] })).toThrow(
      'webhookKeys.ed25519[0] must be an ed25519 public key, got rsa',
    );
    expect(() => parseWebhookKeys({ ed25519: [], rsa: [] })).toThrow('webhookKeys is empty');
  });
});
