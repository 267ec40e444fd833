/**
 * `parley doctor` probes an Accelevents connection with the event details call against the
 * Accelevents sandbox: a good key passes; a rejected key fails with the reconnect fix.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRuntimeFor } from '../../../src/app/open-runtime.js';
import { runDoctorCommand } from '../../../src/cli/commands/doctor.js';
import { createLogger } from '../../../src/lib/create-logger.js';
import { type AcceleventsSandbox, startAcceleventsSandbox } from '../../../src/sandbox/accelevents/create-sandbox.js';
import { createDiagnosticsWorld, type DiagnosticsWorld, thrownBy } from '../diagnostics-world.js';

let world: DiagnosticsWorld;
let accelevents: AcceleventsSandbox;
beforeEach(async () => {
  world = await createDiagnosticsWorld();
  accelevents = await startAcceleventsSandbox({
    port: 0,
    host: '127.0.0.1',
    logger: createLogger({ level: 'silent' }),
  });
});
afterEach(async () => {
  await accelevents.close();
  await world.dispose();
});

async function seedAccelevents(apiKey: string): Promise<void> {
  const runtime = await openRuntimeFor(world.io());
  try {
    await runtime.repository.save({
      provider: 'accelevents',
      kind: 'api_key',
      accountKey: `accelevents:${accelevents.url}`,
      label: 'Accelevents sandbox',
      scopes: [],
      settings: { baseUrl: accelevents.url, eventUrl: 'parley-spring-summit', readAuth: 'key', writeAuth: 'key' },
      secrets: { apiKey },
    });
  } finally {
    await runtime.close();
  }
}

const probeLine = (out: string) => out.split('\n').find((line) => / accelevents:\S+ probe /.test(line)) ?? '';

describe('parley doctor with an Accelevents connection', () => {
  it('passes the event details probe with the stored key', async () => {
    await seedAccelevents(accelevents.apiKey);
    await runDoctorCommand({}, world.io());
    expect(probeLine(world.output())).toMatch(/^ok +accelevents:\S+ probe +event details answered for /);
  });

  const wrongKey = 'not-the-sandbox-key-42';

  /** Runs doctor on a stored key the sandbox rejects; answers the error and what doctor printed. */
  async function doctorWithRejectedKey() {
    await seedAccelevents(wrongKey);
    const error = await thrownBy(() => runDoctorCommand({}, world.io()));
    return { error, out: world.output() };
  }

  it('fails the probe with the reconnect fix when Accelevents rejects the key', async () => {
    const { error, out } = await doctorWithRejectedKey();
    expect(error.code).toBe('doctor_failed');
    expect(probeLine(out)).toMatch(/^fail +accelevents:\S+ probe /);
    expect(out).toContain('fix: the token or key was rejected: reconnect with `parley connect accelevents`');
  });

  it('keeps a rejected key out of what it prints', async () => {
    const { out } = await doctorWithRejectedKey();
    expect(out).not.toContain(wrongKey);
  });
});
