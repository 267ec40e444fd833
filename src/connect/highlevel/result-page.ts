/**
 * The small HTML pages the OAuth routes answer with: what was connected (ids, scopes, expiry, status)
 * or what went wrong and what to do. Never a token, code or state: only what `Connection` exposes.
 */
import type { Connection } from '../../credentials/types.js';
import type { CallbackResult } from './complete-callback.js';

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}code{word-break:break-all}</style></head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function describeConnection(c: Connection): string {
  const account = c.locationId ? `location <code>${escapeHtml(c.locationId)}</code>` : '';
  const company = c.companyId ? `company <code>${escapeHtml(c.companyId)}</code>` : '';
  const expiry = c.expiresAt === null ? 'does not expire' : `expires ${new Date(c.expiresAt).toISOString()}`;
  const scopes = c.scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(', ');
  return `<li><strong>${escapeHtml(c.kind)}</strong> ${[account, company].filter(Boolean).join(', ')} · ${expiry} · status ${escapeHtml(c.status)}<br>scopes: ${scopes}<br><small>connection ${escapeHtml(c.id)}</small></li>`;
}

export function renderConnectedPage(result: CallbackResult): string {
  const items = result.connections.map(describeConnection).join('\n');
  const warnings = [
    ...(result.extraScopes.length > 0
      ? [
          `HighLevel granted more than parley needs: ${result.extraScopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(', ')}. They were stored; for least privilege, remove them from the app's scopes.`,
        ]
      : []),
    ...result.failures.map(
      (f) => `No token for location <code>${escapeHtml(f.locationId)}</code>: ${escapeHtml(f.message)}`,
    ),
  ];
  const warningList =
    warnings.length > 0
      ? `<h2>Warnings</h2>\n<ul role="alert">\n${warnings.map((w) => `<li>${w}</li>`).join('\n')}\n</ul>`
      : '';
  return page(
    'HighLevel connected · parley',
    `<h1>HighLevel connected</h1>
<p>parley stored ${result.connections.length} connection${result.connections.length === 1 ? '' : 's'} (${escapeHtml(result.userType)} install). You can close this page.</p>
<ul>
${items}
</ul>
${warningList}`,
  );
}

export function renderConnectErrorPage(error: { code: string; message: string }): string {
  return page(
    'HighLevel not connected · parley',
    `<h1>HighLevel was not connected</h1>
<p role="alert">${escapeHtml(error.message)}</p>
<p><small>error code: <code>${escapeHtml(error.code)}</code></small></p>`,
  );
}
