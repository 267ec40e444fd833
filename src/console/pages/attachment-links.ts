/**
 * A message's attachments for the thread page: each URL as a link, with a thumbnail for images.
 * HighLevel may give a path relative to its API (the sandbox does), which is resolved against the
 * HighLevel base URL. Only http(s) links are kept, so no `javascript:` or `data:` URL reaches the page.
 */

export interface AttachmentLink {
  url: string;
  /** The file name from the URL's last path segment, else the host. */
  name: string;
  isImage: boolean;
}

const IMAGE = /\.(png|jpe?g|gif|webp|avif|bmp|svg)$/i;

export function attachmentLinks(urls: readonly string[], highlevelBaseUrl: string): AttachmentLink[] {
  const links: AttachmentLink[] = [];
  for (const raw of urls) {
    let url: URL;
    try {
      url = new URL(raw, `${highlevelBaseUrl}/`);
    } catch {
      continue;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') continue;
    const last = url.pathname.split('/').filter(Boolean).pop() ?? '';
    let name = last;
    try {
      name = decodeURIComponent(last);
    } catch {
      // a malformed escape: show the segment as it is
    }
    links.push({ url: url.href, name: name || url.host, isImage: IMAGE.test(url.pathname) });
  }
  return links;
}

/**
 * The thread page's Content-Security-Policy: the console's own (`default-src 'self'`) plus images from
 * HTTPS hosts and the HighLevel API's origin, where attachments live (thumbnails only; no script or
 * frame source is widened).
 */
export function threadPageCsp(highlevelBaseUrl: string): string {
  let origin = '';
  try {
    origin = new URL(highlevelBaseUrl).origin;
  } catch {
    origin = '';
  }
  return `default-src 'self'; img-src 'self' https:${origin && origin !== 'null' ? ` ${origin}` : ''}`;
}
