/**
 * A service's return type as it reaches the client through JSON: dates become ISO-8601 strings.
 * Response classes `implement Wire<ServiceView>`, so the compiler checks that each one documents
 * every field the service returns, with a compatible type.
 */
export type Wire<T> = T extends Date ? string : T extends Array<infer E> ? Array<Wire<E>> : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;
