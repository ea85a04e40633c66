import { StrictMode, useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { api, items, type Group, type Resource } from './api';
import { loadAppConfig } from './app-config';
import { BUNDLED_CRISIS_RESOURCES, isBundled } from './crisis';
import { chatSocket, closeChatSocket } from './chat-socket';
import { Link, match, RouterProvider, useRouter } from './router';
import { SessionProvider, isSupporterOf, useSession } from './session';
import { AnnouncerProvider, Loading, PageTitle, useAnnounce } from './ui';
import { ResourceList } from './screens/resources';
import { Register, SignIn } from './screens/auth';
import { AgreementScreen, Apply, Directory, GroupHome } from './screens/groups';
import { NewTopic, Thread } from './screens/forum';
import { Chat } from './screens/chat';
import { Account, Notices } from './screens/me';
import { Applications, Metrics, ReviewQueue } from './screens/supporter';
import { GroupSettings, NewGroup } from './screens/admin';
import './styles.css';

/** "Need help now?": always in the header, works without the API (bundled resources first). */
function HelpNow({ groupId }: { groupId?: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [groupResources, setGroupResources] = useState<Resource[]>([]);
  useEffect(() => {
    setGroupResources([]);
    if (!groupId) return;
    api(`GET`, `/groups/${groupId}/resources`)
      .then((page) => setGroupResources(items<Resource>(page)))
      .catch(() => setGroupResources([]));
  }, [groupId]);
  const extra = groupResources.filter((r) => !isBundled(r));
  return (
    <>
      <button type="button" className="help-now" onClick={() => dialog.current?.showModal()} aria-haspopup="dialog">
        Need help now?
      </button>
      <dialog ref={dialog} className="help-dialog" aria-labelledby="help-title">
        <h2 id="help-title">Need help now?</h2>
        <p>Kindred is not an emergency service. If you are in danger or thinking about ending your life, please contact one of these now.</p>
        <ResourceList resources={BUNDLED_CRISIS_RESOURCES} />
        {extra.length > 0 ? (
          <>
            <h3>More support from this group</h3>
            <ResourceList resources={extra} />
          </>
        ) : null}
        <form method="dialog">
          <button type="submit" className="secondary">
            Close
          </button>
        </form>
      </dialog>
    </>
  );
}

/** Notices arrive live over the chat connection; the header counts the ones not yet seen. */
function useNewNotices(): number {
  const { me } = useSession();
  const { path } = useRouter();
  const announce = useAnnounce();
  const [count, setCount] = useState(0);
  useEffect(() => {
    if (!me) return;
    const socket = chatSocket();
    const onNotice = () => {
      setCount((c) => c + 1);
      announce('You have a new notice.');
    };
    socket?.on('notice', onNotice);
    return () => {
      socket?.off('notice', onNotice);
    };
  }, [me, announce]);
  useEffect(() => {
    if (path === '/my/notices') setCount(0);
  }, [path]);
  return me ? count : 0;
}

function Header({ groupId }: { groupId?: string }) {
  const { me, signOut } = useSession();
  const { navigate } = useRouter();
  const newNotices = useNewNotices();
  return (
    <header className="site-header">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <div className="header-row">
        <Link to="/" className="brand">
          Kindred
        </Link>
        <HelpNow groupId={groupId} />
      </div>
      <nav aria-label="Main">
        <ul>
          <li>
            <Link to="/">Groups</Link>
          </li>
          {me ? (
            <>
              <li>
                <Link to="/my/notices">
                  Notices
                  {newNotices > 0 ? <span className="count"> ({newNotices} new)</span> : null}
                </Link>
              </li>
              <li>
                <Link to="/my/account">Your account</Link>
              </li>
              {me.isAdmin ? (
                <li>
                  <Link to="/admin/new-group">New group</Link>
                </li>
              ) : null}
              <li>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => {
                    closeChatSocket();
                    void signOut().finally(() => navigate('/'));
                  }}
                >
                  Sign out
                </button>
              </li>
            </>
          ) : (
            <>
              <li>
                <Link to="/sign-in">Sign in</Link>
              </li>
              <li>
                <Link to="/register">Register</Link>
              </li>
            </>
          )}
        </ul>
      </nav>
      {me ? <p className="signed-in-as">Signed in as {me.displayName}</p> : null}
    </header>
  );
}

/** The tabs inside a group, by role. */
function GroupNav({ groupId }: { groupId: string }) {
  const { me } = useSession();
  const { path } = useRouter();
  const [group, setGroup] = useState<Group>();
  useEffect(() => {
    api<Group>('GET', `/groups/${groupId}`)
      .then(setGroup)
      .catch(() => setGroup(undefined));
  }, [groupId]);
  const base = `/community/${groupId}`;
  const takesPart = Boolean(me?.isAdmin || me?.memberships.some((m) => m.groupId === groupId));
  // People outside the group see what they may read: the group's page and its agreement.
  const tabs: Array<[string, string]> = takesPart
    ? [
        [base, 'Topics'],
        [`${base}/chat`, 'Chat'],
        [`${base}/agreement`, 'Agreement'],
      ]
    : [
        [base, 'About this group'],
        [`${base}/agreement`, 'Agreement'],
      ];
  if (isSupporterOf(me, groupId)) tabs.push([`${base}/review`, 'Review queue'], [`${base}/applications`, 'Applications'], [`${base}/metrics`, 'Metrics']);
  if (me?.isAdmin) tabs.push([`${base}/settings`, 'Group settings']);
  return (
    <nav aria-label="Group" className="group-nav">
      {group ? <p className="group-name">{group.name}</p> : null}
      <ul>
        {tabs.map(([to, label]) => (
          <li key={to}>
            <Link to={to} aria-current={path === to ? 'page' : undefined}>
              {label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function NotFound() {
  return (
    <>
      <PageTitle>Page not found</PageTitle>
      <p>
        We could not find that page. <Link to="/">Go to the list of groups</Link>.
      </p>
    </>
  );
}

function Routes() {
  const { path } = useRouter();
  const { ready } = useSession();
  const groupMatch = match('/community/:groupId', path) ?? match('/community/:groupId/:section', path);
  const groupId = groupMatch?.groupId;
  const section = groupMatch?.section;
  const thread = match('/thread/:topicId', path);
  const [threadGroup, setThreadGroup] = useState<string>();

  let screen: React.ReactNode;
  if (!ready) screen = <Loading />;
  else if (path === '/') screen = <Directory />;
  else if (path === '/register') screen = <Register />;
  else if (path === '/sign-in') screen = <SignIn />;
  else if (path === '/my/notices') screen = <Notices />;
  else if (path === '/my/account') screen = <Account />;
  else if (path === '/admin/new-group') screen = <NewGroup />;
  else if (thread) screen = <Thread topicId={thread.topicId} onGroup={setThreadGroup} />;
  else if (groupId) {
    const screens: Record<string, React.ReactNode> = {
      '': <GroupHome groupId={groupId} />,
      apply: <Apply groupId={groupId} />,
      agreement: <AgreementScreen groupId={groupId} />,
      'new-topic': <NewTopic groupId={groupId} />,
      chat: <Chat groupId={groupId} />,
      review: <ReviewQueue groupId={groupId} />,
      applications: <Applications groupId={groupId} />,
      metrics: <Metrics groupId={groupId} />,
      settings: <GroupSettings groupId={groupId} />,
    };
    screen = screens[section ?? ''] ?? <NotFound />;
  } else screen = <NotFound />;

  const currentGroup = groupId ?? (thread ? threadGroup : undefined);
  return (
    <>
      <Header groupId={currentGroup} />
      <main id="main">
        {currentGroup && section !== 'apply' ? <GroupNav groupId={currentGroup} /> : null}
        {screen}
      </main>
      <footer className="site-footer">
        <p>Kindred is peer support, not medical advice and not an emergency service. Your own clinical team knows your care best.</p>
      </footer>
    </>
  );
}

// The runtime config (where chat is) first; the app starts either way, so "Need help now?" works offline.
void loadAppConfig().finally(() =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <AnnouncerProvider>
        <RouterProvider>
          <SessionProvider>
            <Routes />
          </SessionProvider>
        </RouterProvider>
      </AnnouncerProvider>
    </StrictMode>,
  ),
);
