/** Who is calling, as established from their session token. */
export interface AuthUser {
  id: string;
  displayName: string;
  isAdmin: boolean;
  sessionId: string;
}
