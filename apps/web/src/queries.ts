import { QueryClient, useInfiniteQuery, useQuery, type QueryKey } from '@tanstack/react-query';
import { ApiError, client, ok, type Resource, type Schema } from './api';

/**
 * The one cache of what the API answered. A 4xx is an answer, not a hiccup: it is shown at once
 * and never retried; a network failure or a 5xx is tried once more.
 */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      retry: (failures, error) => failures < 1 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      refetchOnWindowFocus: false,
      staleTime: 0,
    },
  },
});

/** A list the API gives a page at a time (`{ items, nextCursor }`): the first page at once, the next ones when the reader asks. */
export interface PagedList<T> {
  data: T[] | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  hasMore: boolean;
  loadingMore: boolean;
  moreError: unknown;
  more: () => void;
}

/** A page of a list as the API answers it (PageView with its items typed); a list that is not paged has no cursor. */
type Page<T> = { items: T[] } & Partial<Pick<Schema<'PageView'>, 'nextCursor'>>;

/**
 * A paged list through the cache (useInfiniteQuery): "Show more" fetches the next page (`load`
 * gets its cursor), and a reload refreshes every page shown. `load` null means there is nothing to
 * load (not allowed, not signed in): an empty list.
 */
export function usePaged<T>(key: QueryKey, load: ((cursor: string | undefined) => Promise<Page<T>>) | null): PagedList<T> {
  const query = useInfiniteQuery({
    queryKey: key,
    enabled: load !== null,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => load!(pageParam),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const moreFailed = query.isFetchNextPageError;
  return {
    data: load === null ? [] : query.data?.pages.flatMap((p) => p.items),
    error: moreFailed ? undefined : query.error,
    loading: load !== null && query.isPending,
    reload: () => void query.refetch(),
    hasMore: load !== null && query.hasNextPage,
    loadingMore: query.isFetchingNextPage,
    moreError: moreFailed ? query.error : undefined,
    more: () => void query.fetchNextPage(),
  };
}

/** One group, from the cache when another page already asked. */
export const useGroup = (groupId: string) =>
  useQuery({ queryKey: ['group', groupId], queryFn: () => ok(client.GET('/groups/{groupId}', { params: { path: { groupId } } })) });

/** A group's current agreement (`groupId` undefined: not known yet). */
export const useAgreement = (groupId: string | undefined, enabled = true) =>
  useQuery({
    queryKey: ['agreement', groupId],
    queryFn: () => ok(client.GET('/groups/{groupId}/agreement', { params: { path: { groupId: groupId! } } })),
    enabled: Boolean(groupId) && enabled,
  });

/** A group's signposting directory (`groupId` undefined: outside any group, nothing to load). */
export const useResources = (groupId: string | undefined, enabled = true) =>
  useQuery({
    queryKey: ['resources', groupId],
    queryFn: async (): Promise<Resource[]> => (await ok(client.GET('/groups/{groupId}/resources', { params: { path: { groupId: groupId! } } }))).items,
    enabled: Boolean(groupId) && enabled,
  });

/** A topic (`topicId` undefined: not on a thread). */
export const useTopic = (topicId: string | undefined) =>
  useQuery({
    queryKey: ['topic', topicId],
    queryFn: () => ok(client.GET('/topics/{topicId}', { params: { path: { topicId: topicId! } } })),
    enabled: Boolean(topicId),
  });

/** The signed-in person's own application to a group (null: they have none); only asked while they are not in it. */
export const useMyApplication = (groupId: string, enabled = true) =>
  useQuery({
    queryKey: ['my-application', groupId],
    queryFn: async () => (await ok(client.GET('/groups/{groupId}/my-application', { params: { path: { groupId } } }))).application,
    enabled,
  });
