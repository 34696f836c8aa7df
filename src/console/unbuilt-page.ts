/** The page `/ui/` shows when the console has not been built: plain HTML, no style or script (the CSP allows neither inline). */
export const UNBUILT_CONSOLE_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Console not built · Gatehouse</title></head>
<body><h1>The web console is not built</h1>
<p>This gateway has no built console to serve. Run <code>npm run build</code> in the Gatehouse folder, then reload this page.</p>
<p>The API and sign-in work without it.</p></body></html>
`;
