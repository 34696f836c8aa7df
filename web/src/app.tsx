/**
 * The console shell: finds out who is signed in (`/.gatehouse/me`; a 401 sends the browser to sign in and back),
 * then shows the navigation this person may use and the page for the current path.
 */
import { useEffect } from 'preact/hooks';
import * as api from './api/endpoints.js';
import { SIGN_OUT_PATH } from './api/client.js';
import type { Me } from './api/types.js';
import { ErrorNotice, Loading } from './components/states.js';
import { PAGES, type PageSpec } from './pages.js';
import { Link, usePath } from './router.js';
import { useResource } from './lib/use-resource.js';

export function App() {
  const me = useResource(api.me, []);
  if (me.state === 'loading') return <Loading what="your session" />;
  if (me.state === 'failed') return <ErrorNotice error={me.error} retry={me.reload} />;
  return <Shell me={me.data} />;
}

function Shell({ me }: { me: Me }) {
  const path = usePath();
  const visible = PAGES.filter((page) => me.admin || !page.adminOnly);
  const page = PAGES.find((candidate) => candidate.path === path);
  useEffect(() => {
    document.title = `${page?.title ?? 'Not found'} · Gatehouse`;
  }, [page]);
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top-bar">
        <Link to="/" class="brand">
          Gatehouse
        </Link>
        <nav aria-label="Console">
          <ul>
            {visible.map((item) => (
              <li key={item.path}>
                <Link to={item.path} aria-current={item.path === path ? 'page' : undefined}>
                  {item.title}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span title={me.subject}>
            {me.email ?? me.subject}
            {me.admin && <span class="badge">admin</span>}
          </span>
          <a href={SIGN_OUT_PATH}>Sign out</a>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <PageBody page={page} me={me} />
      </main>
    </>
  );
}

function PageBody({ page, me }: { page: PageSpec | undefined; me: Me }) {
  if (!page) {
    return (
      <>
        <h1>Page not found</h1>
        <p>
          There is no such console page. <Link to="/">Go to the overview.</Link>
        </p>
      </>
    );
  }
  if (page.adminOnly && !me.admin) {
    return (
      <>
        <h1>{page.title}</h1>
        <p class="state error" role="alert">
          This page is for administrators. You are signed in as {me.email ?? me.subject}, who is not one.
        </p>
      </>
    );
  }
  const Page = page.component;
  return <Page me={me} />;
}
