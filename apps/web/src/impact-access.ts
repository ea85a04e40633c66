import { useQuery } from '@tanstack/react-query';
import { client, ok } from './api';

/** Whether the caller may read the impact report (admins and commissioners); quietly false for everyone else. */
export function useImpactAccess(enabled: boolean) {
  return useQuery({
    queryKey: ['impact-access'],
    queryFn: () => ok(client.GET('/impact/access')),
    enabled,
    retry: false,
    staleTime: 5 * 60_000,
  });
}
