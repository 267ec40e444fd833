/**
 * With the database gone, intake answers webhook senders (who are unauthenticated) a generic 503 they
 * may retry, and never the database's error, host or port.
 */
import { expect, it } from 'vitest';
import { DATABASE_KINDS, openTestDatabase } from '../helpers/databases.js';
import { buildIntakeApp } from './intake-app.js';

for (const kind of DATABASE_KINDS) {
  it(`answers 503 with a generic body when the ${kind} store is down`, async () => {
    const db = await openTestDatabase(kind);
    const { app, path } = await buildIntakeApp(db.store, { secretCacheMs: 0 });
    try {
      await db.dispose();
      const res = await app.inject({
        method: 'POST',
        url: path,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ topic: 'attendee.registered', email: 'down@example.com' }),
      });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({
        error: 'intake_unavailable',
        message: 'the delivery could not be stored; retry later',
      });
      expect(res.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|5432|not open/i);
    } finally {
      await app.close();
    }
  });
}
