/** A profile frame's script, short: the package path under node_modules, the path from dist/, or the URL as it is. */
export function shortUrl(url: string): string {
  const i = url.lastIndexOf('/node_modules/');
  if (i >= 0) return url.slice(i + '/node_modules/'.length);
  const d = url.lastIndexOf('/dist/');
  if (d >= 0) return url.slice(d + 1);
  return url.replace(/^file:\/\//, '') || '(native)';
}
