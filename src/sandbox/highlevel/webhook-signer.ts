/**
 * The sandbox's webhook signing keys, generated at startup, and the two signatures HighLevel sends
 * (https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide; the RSA key is printed in
 * https://github.com/GoHighLevel/highlevel-api-docs/blob/main/docs/oauth/WebhookAuthentication.md):
 * - `x-ghl-signature`: Ed25519 over the body bytes, base64 (the SDK verifies with crypto.verify(null, ...)).
 * - `x-wh-signature`: RSA-SHA256 (PKCS#1 v1.5) over the same bytes, base64. HighLevel's key is 4096-bit;
 *   the size is an option because generating 4096-bit keys is slow in tests.
 */
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

export interface WebhookPublicKeys {
  /** SPKI PEM of the Ed25519 key that verifies `x-ghl-signature`. */
  ed25519: string;
  /** SPKI PEM of the RSA key that verifies `x-wh-signature`. */
  rsa: string;
}

export interface WebhookSigner {
  publicKeys: WebhookPublicKeys;
  sign(body: Buffer): { 'x-ghl-signature': string; 'x-wh-signature': string };
}

export function createWebhookSigner(options: { rsaModulusLength: number }): WebhookSigner {
  const ed = generateKeyPairSync('ed25519');
  const rsa = generateKeyPairSync('rsa', { modulusLength: options.rsaModulusLength });
  const pem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();
  return {
    publicKeys: { ed25519: pem(ed.publicKey), rsa: pem(rsa.publicKey) },
    sign(body) {
      return {
        'x-ghl-signature': sign(null, body, ed.privateKey).toString('base64'),
        'x-wh-signature': sign('sha256', body, rsa.privateKey).toString('base64'),
      };
    },
  };
}
