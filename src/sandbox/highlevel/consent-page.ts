/**
 * The HTML of the sandbox's OAuth consent screen, HighLevel's "choose location" page
 * (https://github.com/GoHighLevel/highlevel-api-docs/blob/main/docs/oauth/Authorization.md): which app
 * asks, which scopes, which sub-account, and an Approve button that posts back to the same path. Plain,
 * accessible markup: a labelled radio group per location and a real submit button, no script.
 */

export interface ConsentPageInput {
  action: string;
  clientId: string;
  redirectUri: string;
  responseType: string;
  scopes: string[];
  state?: string;
  locations: { id: string; name: string }[];
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5}button{font-size:1rem;padding:.5rem 1.25rem}fieldset{margin:1rem 0}</style></head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

const hidden = (name: string, value: string) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;

export function renderConsentPage(input: ConsentPageInput): string {
  const scopes = input.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('\n');
  const locations = input.locations
    .map(
      (l, i) =>
        `<div><input type="radio" id="loc-${i}" name="approve" value="${escapeHtml(l.id)}"${i === 0 ? ' checked' : ''}>` +
        ` <label for="loc-${i}">${escapeHtml(l.name)} <small>(${escapeHtml(l.id)})</small></label></div>`,
    )
    .join('\n');
  return page(
    'Authorize app · HighLevel sandbox',
    `<h1>Authorize <code>${escapeHtml(input.clientId)}</code></h1>
<p>This is the parley HighLevel sandbox. The app asks for these permissions:</p>
<ul>
${scopes}
</ul>
<form method="post" action="${escapeHtml(input.action)}">
${hidden('client_id', input.clientId)}
${hidden('redirect_uri', input.redirectUri)}
${hidden('response_type', input.responseType)}
${hidden('scope', input.scopes.join(' '))}
${input.state !== undefined ? hidden('state', input.state) : ''}
<fieldset>
<legend>Sub-account (location)</legend>
${locations}
</fieldset>
<p>You will be sent back to <code>${escapeHtml(input.redirectUri)}</code>.</p>
<button type="submit">Approve</button>
</form>`,
  );
}

export function renderConsentError(message: string): string {
  return page(
    'Authorization error · HighLevel sandbox',
    `<h1>Cannot authorize this request</h1>
<p role="alert">${escapeHtml(message)}</p>`,
  );
}
