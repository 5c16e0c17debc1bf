/**
 * The HTML shell of our webviews (dashboard, doctor report): a CSP with a nonce for our one
 * script, nothing else loadable but our media folder.
 */
export interface WebviewPageOptions {
  title: string;
  nonce: string;
  cspSource: string;
  styleUri: string;
  scriptUri: string;
  body: string;
}

export function webviewPage(opts: WebviewPageOptions): string {
  const csp = `default-src 'none'; style-src ${opts.cspSource}; img-src ${opts.cspSource} data:; font-src ${opts.cspSource}; script-src 'nonce-${opts.nonce}';`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${opts.styleUri}">
<title>${opts.title}</title>
</head>
<body>
<main id="root">${opts.body}</main>
<script nonce="${opts.nonce}" src="${opts.scriptUri}"></script>
</body>
</html>`;
}
