// parley studio: a workflow's saved versions (GET /api/workflows/:name/versions): who saved each, when
// and why; a version's changes as its unified diff against the one before (GET …/versions/:v, with
// added lines green and removed lines red, each also marked + or − in text); and "Restore", which
// saves an old version as the newest (POST …/versions/:v/restore).

import { api, button, byId, element, issueList, say, when } from './studio-dom.js';

function diffView(patch) {
  const lines = patch.split('\n');
  // The first four lines are the `Index:`/`===`/`---`/`+++` header of createTwoFilesPatch (jsdiff).
  const body = lines.filter((line) => !/^(Index: |={3,}|--- |\+\+\+ )/.test(line));
  return element(
    'pre',
    { className: 'diff' },
    body.map((line) => {
      let kind = 'diff-context';
      if (line.startsWith('+')) kind = 'diff-add';
      else if (line.startsWith('-')) kind = 'diff-del';
      else if (line.startsWith('@@')) kind = 'diff-hunk';
      return element('span', { className: kind, text: `${line}\n` });
    }),
  );
}

async function showVersion(name, version) {
  const box = byId('version-diff');
  box.replaceChildren(element('p', { className: 'muted', text: `Loading version ${version}…` }));
  try {
    const answer = await api('GET', `/api/workflows/${encodeURIComponent(name)}/versions/${version}`);
    const heading = element('h3', { attrs: { tabindex: '-1' } });
    const parts = [heading];
    if (answer.diff) {
      heading.textContent = `Changes in version ${version} (against version ${answer.diff.against})`;
      parts.push(
        element('p', { className: 'muted', text: 'Lines starting with + were added, lines starting with - removed.' }),
        diffView(answer.diff.patch),
      );
    } else {
      heading.textContent = `Version ${version}, the first`;
      parts.push(element('pre', { className: 'diff', text: answer.yaml }));
    }
    box.replaceChildren(...parts);
    heading.focus();
  } catch (error) {
    box.replaceChildren(issueList(error));
  }
}

async function restore(ctx, name, version) {
  const status = byId('editor-status');
  try {
    const answer = await api('POST', `/api/workflows/${encodeURIComponent(name)}/versions/${version}/restore`);
    ctx.loaded(answer);
    say(status, `Restored version ${version} as version ${answer.version}, which runs from now on.`);
    await renderVersions(ctx);
  } catch (error) {
    say(status, error.message, true);
  }
}

export async function renderVersions(ctx) {
  const box = byId('versions');
  const { view } = ctx.state;
  if (view?.origin !== 'console') {
    const words =
      view?.origin === 'file'
        ? 'A workflow from a file keeps its history in that file.'
        : 'No saved versions yet: publishing saves version 1.';
    box.replaceChildren(element('p', { className: 'empty', text: words }));
    return;
  }
  let versions;
  try {
    ({ versions } = await api('GET', `/api/workflows/${encodeURIComponent(view.name)}/versions`));
  } catch (error) {
    box.replaceChildren(issueList(error));
    return;
  }
  const head = ['Version', 'Saved', 'By', 'What happened', ''];
  box.replaceChildren(
    element('div', { className: 'table-wrap' }, [
      element('table', { className: 'admin-table' }, [
        element('caption', {
          text: `${versions.length} saved ${versions.length === 1 ? 'version' : 'versions'}, newest first`,
        }),
        element('thead', {}, [
          element(
            'tr',
            {},
            head.map((h) => element('th', { text: h, attrs: { scope: 'col' } })),
          ),
        ]),
        element(
          'tbody',
          {},
          versions.map((v) =>
            element('tr', { attrs: { 'data-version': String(v.version) } }, [
              element('th', { attrs: { scope: 'row' } }, [
                `${v.version}`,
                v.version === view.version ? element('span', { className: 'muted', text: ' (current)' }) : null,
              ]),
              element('td', { text: when(v.createdAt) }),
              element('td', { text: v.author }),
              element('td', { text: v.note }),
              element('td', {}, [
                element('div', { className: 'row-actions' }, [
                  button('View changes', () => showVersion(view.name, v.version), {
                    label: `View changes of version ${v.version}`,
                  }),
                  v.version === view.version
                    ? null
                    : button('Restore', () => restore(ctx, view.name, v.version), {
                        label: `Restore version ${v.version}`,
                      }),
                ]),
              ]),
            ]),
          ),
        ),
      ]),
    ]),
  );
}
