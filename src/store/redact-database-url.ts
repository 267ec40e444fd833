/**
 * Hides the password of a database URL so it can appear in errors and logs.
 * Works on the raw string, not `new URL`, because the URLs we most need to report are the ones
 * that do not parse. It over-redacts rather than under-redacts: everything between the first `:`
 * of the user info and the last `@` goes (an unencoded `@` in a password still ends up hidden),
 * and so does a `password=` query parameter, which libpq-style URLs accept too
 * (https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS).
 */
export function redactDatabaseUrl(url: string): string {
  const queryStart = url.indexOf('?');
  const beforeQuery = queryStart === -1 ? url : url.slice(0, queryStart);
  const query = queryStart === -1 ? '' : url.slice(queryStart);

  const schemeEnd = beforeQuery.indexOf('://');
  const authorityStart = schemeEnd === -1 ? 0 : schemeEnd + 3;
  const at = beforeQuery.lastIndexOf('@');
  let redacted = beforeQuery;
  if (at > authorityStart) {
    const userInfo = beforeQuery.slice(authorityStart, at);
    const colon = userInfo.indexOf(':');
    if (colon !== -1) {
      redacted = `${beforeQuery.slice(0, authorityStart)}${userInfo.slice(0, colon)}:***${beforeQuery.slice(at)}`;
    }
  }
  return redacted + query.replace(/([?&]password=)[^&#]*/gi, '$1***');
}
