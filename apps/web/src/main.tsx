import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, StrictMode, Suspense, useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Link, NavLink, Outlet, Route, Routes, useLocation, useMatch, useNavigate, useParams } from 'react-router';
import { loadAppConfig } from './app-config';
import { BUNDLED_CRISIS_RESOURCES, isBundled } from './crisis';
import { chatSocket, closeChatSocket } from './chat-socket';
import { queryClient, useGroup, useResources, useTopic } from './queries';
import { SessionProvider, isSupporterOf, useSession } from './session';
import { AnnouncerProvider, Loading, PageTitle, useAnnounce } from './ui';
import { ResourceList } from './screens/resources';
import { ForgotPassword, Register, ResetPassword, SignIn, VerifyEmail } from './screens/auth';
import { AgreementScreen, Apply, Directory, GroupHome, GroupResources, SupporterInvitation } from './screens/groups';
import { NewTopic, Thread } from './screens/forum';
import { Chat } from './screens/chat';
import { Account, MyPosts, Notices } from './screens/me';
import { Notifications, NotificationSettings, Unsubscribe, useUnreadCount } from './screens/notifications';
import { disablePush, onPushShown, registerServiceWorker } from './push';
import { useTwoStepRequiredRedirect } from './screens/two-step';
import { Applications, Metrics, ReviewQueue } from './screens/supporter';
import { GroupSettings, NewGroup } from './screens/admin';
import { MemberHistory, Members } from './screens/supporter-tools';
import { ConversationScreen, Coordinate, MentoringHome, RelationshipScreen } from './screens/mentoring';
import { MyQuestionnaires, OutcomesAdmin } from './screens/outcomes';
import { Feedback, Proposals } from './screens/voice';
import { useImpactAccess } from './impact-access';
import './styles.css';

// The charts (recharts) load only with the impact report.
const ImpactReportPage = lazy(() => import('./screens/impact'));
const ImpactPrintPage = lazy(() => import('./screens/impact').then((m) => ({ default: m.ImpactPrintPage })));

/** "Need help now?": always in the header, works without the API (bundled resources first). */
function HelpNow({ groupId }: { groupId?: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const groupResources = useResources(groupId);
  const extra = groupId ? (groupResources.data ?? []).filter((r) => !isBundled(r)) : [];
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

/**
 * Notices and notifications arrive live over the chat connection (and as pushes the service worker
 * shows): each refreshes the lists and the unread count the header shows, which the server keeps.
 */
function useLiveNotifications(): number {
  const { me } = useSession();
  const announce = useAnnounce();
  const signedIn = Boolean(me);
  useEffect(() => {
    if (!signedIn) return;
    const socket = chatSocket();
    const refresh = () => void queryClient.invalidateQueries({ queryKey: ['notifications'] });
    const onNotification = () => {
      refresh();
      announce('You have a new notification.');
    };
    // A notice may come with a notification: count again (the notice itself is announced below).
    socket?.on('notice', refresh);
    socket?.on('notification', onNotification);
    // The socket was away (sleep, network): what came meanwhile is counted again.
    socket?.on('connect', refresh);
    const stopPush = onPushShown(refresh);
    return () => {
      socket?.off('notice', refresh);
      socket?.off('notification', onNotification);
      socket?.off('connect', refresh);
      stopPush();
    };
  }, [signedIn, announce]);
  return useUnreadCount(signedIn);
}

/** Notices arrive live over the chat connection; the header counts the ones not yet seen. */
function useNewNotices(): number {
  const { me } = useSession();
  const { pathname } = useLocation();
  const announce = useAnnounce();
  const [count, setCount] = useState(0);
  useEffect(() => {
    if (!me) return;
    const socket = chatSocket();
    const onNotice = () => {
      setCount((c) => c + 1);
      void queryClient.invalidateQueries({ queryKey: ['notices'] });
      announce('You have a new notice.');
    };
    socket?.on('notice', onNotice);
    return () => {
      socket?.off('notice', onNotice);
    };
  }, [me, announce]);
  // Opening the notices page sees them all.
  const [seenAt, setSeenAt] = useState(pathname);
  if (pathname !== seenAt) {
    setSeenAt(pathname);
    if (pathname === '/my/notices' && count > 0) setCount(0);
  }
  return me ? count : 0;
}

function Header({ groupId }: { groupId?: string }) {
  const { me, signOut } = useSession();
  const navigate = useNavigate();
  const newNotices = useNewNotices();
  const unread = useLiveNotifications();
  const impact = useImpactAccess(Boolean(me));
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
                <Link to="/notifications" className="notifications-link">
                  Notifications
                  {unread > 0 ? (
                    <span className="count-badge" data-testid="unread-count">
                      {' '}
                      {unread}
                      <span className="visually-hidden"> unread</span>
                    </span>
                  ) : null}
                </Link>
              </li>
              <li>
                <Link to="/my/notices">
                  Notices
                  {newNotices > 0 ? <span className="count"> ({newNotices} new)</span> : null}
                </Link>
              </li>
              <li>
                <Link to="/my/account">Your account</Link>
              </li>
              <li>
                <Link to="/my/posts">Your posts</Link>
              </li>
              <li>
                <Link to="/my/questionnaires">Questionnaires</Link>
              </li>
              {impact.data ? (
                <li>
                  <Link to="/impact">Impact report</Link>
                </li>
              ) : null}
              {me.isAdmin ? (
                <>
                  <li>
                    <Link to="/admin/new-group">New group</Link>
                  </li>
                  <li>
                    <Link to="/admin/outcomes">Outcome measures</Link>
                  </li>
                </>
              ) : null}
              <li>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => {
                    closeChatSocket();
                    // This device stops getting the person's alerts before the session ends.
                    void disablePush()
                      .catch(() => undefined)
                      .then(signOut)
                      .finally(() => navigate('/'));
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
  const group = useGroup(groupId);
  const base = `/community/${groupId}`;
  const takesPart = Boolean(me?.isAdmin || me?.memberships.some((m) => m.groupId === groupId));
  // People outside the group see what they may read: the group's page and its agreement.
  const tabs: Array<[string, string]> = takesPart
    ? [
        [base, 'Topics'],
        [`${base}/chat`, 'Chat'],
        [`${base}/mentoring`, 'Mentoring'],
        [`${base}/agreement`, 'Agreement'],
        [`${base}/proposals`, 'Proposals'],
        [`${base}/feedback`, 'Feedback'],
        [`${base}/resources`, 'Support'],
      ]
    : [
        [base, 'About this group'],
        [`${base}/agreement`, 'Agreement'],
        [`${base}/resources`, 'Support'],
      ];
  if (isSupporterOf(me, groupId))
    tabs.push([`${base}/review`, 'Review queue'], [`${base}/members`, 'Members'], [`${base}/applications`, 'Applications'], [`${base}/metrics`, 'Metrics']);
  if (me?.isAdmin) tabs.push([`${base}/settings`, 'Group settings']);
  return (
    <nav aria-label="Group" className="group-nav">
      {group.data ? <p className="group-name">{group.data.name}</p> : null}
      <ul>
        {tabs.map(([to, label]) => (
          <li key={to}>
            <NavLink to={to} end>
              {label}
            </NavLink>
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

/** The group a page belongs to: the one in its path, or the topic's group on a thread. */
function useCurrentGroup(): string | undefined {
  const inGroup = useMatch('/community/:groupId/*');
  const thread = useMatch('/thread/:topicId');
  const topicId = thread?.params.topicId;
  const topic = useTopic(topicId);
  return inGroup?.params.groupId ?? (topicId ? topic.data?.groupId : undefined);
}

/** Every page: header, the group's tabs when in a group, the page, and the footer. */
function Layout() {
  const { ready } = useSession();
  useTwoStepRequiredRedirect();
  const { pathname } = useLocation();
  const groupId = useCurrentGroup();
  const applying = useMatch('/community/:groupId/apply');
  // A new page starts at its top.
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [pathname]);
  return (
    <>
      <Header groupId={groupId} />
      <main id="main">
        {groupId && !applying ? <GroupNav groupId={groupId} /> : null}
        {ready ? <Outlet /> : <Loading />}
      </main>
      <footer className="site-footer">
        <p>Kindred is peer support, not medical advice and not an emergency service. Your own clinical team knows your care best.</p>
      </footer>
    </>
  );
}

/** A group's page, given its id from the path. */
function InGroup({ screen: Screen }: { screen: (props: { groupId: string }) => React.ReactNode }) {
  const { groupId } = useParams();
  return <Screen key={groupId} groupId={groupId!} />;
}

function MemberHistoryPage() {
  const { groupId, userId } = useParams();
  return <MemberHistory key={`${groupId}/${userId}`} groupId={groupId!} userId={userId!} />;
}

function ThreadPage() {
  const { topicId } = useParams();
  return <Thread key={topicId} topicId={topicId!} />;
}

function App() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<Directory />} />
        <Route path="register" element={<Register />} />
        <Route path="sign-in" element={<SignIn />} />
        <Route path="verify-email" element={<VerifyEmail />} />
        <Route path="forgot-password" element={<ForgotPassword />} />
        <Route path="reset-password" element={<ResetPassword />} />
        <Route path="my/notices" element={<Notices />} />
        <Route path="notifications" element={<Notifications />} />
        <Route path="settings/notifications" element={<NotificationSettings />} />
        <Route path="unsubscribe" element={<Unsubscribe />} />
        <Route path="supporter-invitation" element={<SupporterInvitation />} />
        <Route path="my/account" element={<Account />} />
        <Route path="my/posts" element={<MyPosts />} />
        <Route path="admin/new-group" element={<NewGroup />} />
        <Route path="admin/outcomes" element={<OutcomesAdmin />} />
        <Route path="my/questionnaires" element={<MyQuestionnaires />} />
        <Route
          path="impact"
          element={
            <Suspense fallback={<Loading />}>
              <ImpactReportPage />
            </Suspense>
          }
        />
        <Route
          path="impact/print"
          element={
            <Suspense fallback={<Loading />}>
              <ImpactPrintPage />
            </Suspense>
          }
        />
        <Route path="thread/:topicId" element={<ThreadPage />} />
        <Route path="mentoring/:relationshipId" element={<RelationshipScreen />} />
        <Route path="conversations/:conversationId" element={<ConversationScreen />} />
        <Route path="community/:groupId">
          <Route index element={<InGroup screen={GroupHome} />} />
          <Route path="apply" element={<InGroup screen={Apply} />} />
          <Route path="agreement" element={<InGroup screen={AgreementScreen} />} />
          <Route path="resources" element={<InGroup screen={GroupResources} />} />
          <Route path="new-topic" element={<InGroup screen={NewTopic} />} />
          <Route path="chat" element={<InGroup screen={Chat} />} />
          <Route path="review" element={<InGroup screen={ReviewQueue} />} />
          <Route path="applications" element={<InGroup screen={Applications} />} />
          <Route path="metrics" element={<InGroup screen={Metrics} />} />
          <Route path="settings" element={<InGroup screen={GroupSettings} />} />
          <Route path="members" element={<InGroup screen={Members} />} />
          <Route path="members/:userId" element={<MemberHistoryPage />} />
          <Route path="mentoring" element={<InGroup screen={MentoringHome} />} />
          <Route path="mentoring/coordinate" element={<InGroup screen={Coordinate} />} />
          <Route path="feedback" element={<InGroup screen={Feedback} />} />
          <Route path="proposals" element={<InGroup screen={Proposals} />} />
          <Route path="settings/:section" element={<InGroup screen={GroupSettings} />} />
        </Route>
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

registerServiceWorker();

// The runtime config (where chat is) first; the app starts either way, so "Need help now?" works offline.
void loadAppConfig().finally(() =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <AnnouncerProvider>
          {/* Each navigation shows its page at once, as a page load would: the new heading takes the focus before anything else can. */}
          <BrowserRouter useTransitions={false}>
            <SessionProvider>
              <App />
            </SessionProvider>
          </BrowserRouter>
        </AnnouncerProvider>
      </QueryClientProvider>
    </StrictMode>,
  ),
);
