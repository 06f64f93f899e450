/**
 * The web UI's place-holder page, served at `/` until the UI lands. Static, no script, no
 * external resource: it fits the strict CSP every response carries.
 */
export const PLACEHOLDER_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Warden</title>
</head>
<body>
<h1>Warden</h1>
<p>The web UI is coming. Until then, use the REST API under <code>/api</code>
(described at <a href="/api/openapi.json">/api/openapi.json</a>) with the admin token
<code>warden serve</code> printed on its first start, or the <code>warden</code> command line.</p>
<p>MCP clients connect to <code>/mcp</code> (Streamable HTTP).</p>
</body>
</html>
`;
