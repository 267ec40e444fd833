/**
 * HighLevel's published webhook public keys, the defaults `webhookKeys` config starts from
 * (https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide). Config may add keys:
 * HighLevel announces rotations by email and on its social channels, so a receiver holds a small set
 * of trusted keys, not one constant.
 */

/**
 * RSA key for the legacy `x-wh-signature` header, 4096-bit, as printed in HighLevel's
 * docs/oauth/WebhookAuthentication.md (GoHighLevel/highlevel-api-docs; text taken from a fork of that
 * repository and cross-checked against several independent copies). SHA-256 of its DER (SPKI) encoding:
 * 2f62045d413b1b7747e26770ce7f57840cbf86288cd20ceb90d299a62501fd25.
 */
export const HIGHLEVEL_RSA_PUBLIC_KEY_PEM = `-----BEGIN PUBLIC KEY-----
MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEAokvo/r9tVgcfZ5DysOSC
Frm602qYV0MaAiNnX9O8KxMbiyRKWeL9JpCpVpt4XHIcBOK4u3cLSqJGOLaPuXw6
dO0t6Q/ZVdAV5Phz+ZtzPL16iCGeK9po6D6JHBpbi989mmzMryUnQJezlYJ3DVfB
csedpinheNnyYeFXolrJvcsjDtfAeRx5ByHQmTnSdFUzuAnC9/GepgLT9SM4nCpv
uxmZMxrJt5Rw+VUaQ9B8JSvbMPpez4peKaJPZHBbU3OdeCVx5klVXXZQGNHOs8gF
3kvoV5rTnXV0IknLBXlcKKAQLZcY/Q9rG6Ifi9c+5vqlvHPCUJFT5XUGG5RKgOKU
J062fRtN+rLYZUV+BjafxQauvC8wSWeYja63VSUruvmNj8xkx2zE/Juc+yjLjTXp
IocmaiFeAO6fUtNjDeFVkhf5LNb59vECyrHD2SQIrhgXpO4Q3dVNA5rw576PwTzN
h/AMfHKIjE4xQA1SZuYJmNnmVZLIZBlQAF9Ntd03rfadZ+yDiOXCCs9FkHibELhC
HULgCsnuDJHcrGNd5/Ddm5hxGQ0ASitgHeMZ0kcIOwKDOzOU53lDza6/Y09T7sYJ
PQe7z0cvj7aE4B+Ax1ZoZGPzpJlZtGXCsu9aTEGEnKzmsFqwcSsnw3JB31IGKAyk
T1hhTiaCeIY/OwwwNUY2yvcCAwEAAQ==
-----END PUBLIC KEY-----
`;

/**
 * Ed25519 key for the `x-ghl-signature` header. CAVEAT: HighLevel
 * publishes it in its Webhook Integration Guide
 * (https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide, "Security: verifying
 * webhook authenticity"), but that section could not be read directly; this value comes from several
 * independent third-party copies of the guide that agree byte for byte. Check it against the official
 * page before relying on it in production, and add the official key through config if they differ.
 */
export const HIGHLEVEL_ED25519_PUBLIC_KEY_PEM = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAi2HR1srL4o18O8BRa7gVJY7G7bupbN3H9AwJrHCDiOg=
-----END PUBLIC KEY-----
`;

/** The default `highlevel.webhookKeys` (HighLevelAppConfig): HighLevel's published keys, PEM. */
export const PUBLISHED_WEBHOOK_KEYS: { ed25519: string[]; rsa: string[] } = {
  ed25519: [HIGHLEVEL_ED25519_PUBLIC_KEY_PEM],
  rsa: [HIGHLEVEL_RSA_PUBLIC_KEY_PEM],
};
