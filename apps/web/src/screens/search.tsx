import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { client, formatDateTime, ok, type Schema } from '../api';
import { usePaged } from '../queries';
import { ErrorMessage, Loading, MoreButton } from '../ui';

/** A stretch of text the search matched, in UTF-16 code units (as the API gives them). */
type Range = Schema<'HighlightRangeView'>;

/** Plain text with its matched ranges in <mark>; React escapes every piece of the text. */
export function Highlighted({ text, ranges }: { text: string; ranges: Range[] }) {
  const pieces: React.ReactNode[] = [];
  let at = 0;
  for (const { start, length } of [...ranges].sort((a, b) => a.start - b.start)) {
    if (start < at || length <= 0 || start + length > text.length) continue;
    if (start > at) pieces.push(text.slice(at, start));
    pieces.push(<mark key={start}>{text.slice(start, start + length)}</mark>);
    at = start + length;
  }
  if (at < text.length) pieces.push(text.slice(at));
  return <>{pieces}</>;
}

/** A search box for the group's published posts and topic titles, with its results below it. */
export function GroupSearch({ groupId }: { groupId: string }) {
  const id = useId();
  const [typed, setTyped] = useState('');
  const [query, setQuery] = useState('');
  const results = usePaged(
    ['search', groupId, query],
    query ? (cursor) => ok(client.GET('/groups/{groupId}/search', { params: { path: { groupId }, query: { q: query, cursor } } })) : null,
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setQuery(typed.trim().slice(0, 200));
  };

  return (
    <section aria-labelledby={`${id}-title`} className="group-search">
      <h2 id={`${id}-title`}>Search this group</h2>
      <form role="search" aria-labelledby={`${id}-title`} onSubmit={submit} className="search-form">
        <label htmlFor={`${id}-q`}>Words to look for</label>
        <input id={`${id}-q`} type="search" value={typed} maxLength={200} onChange={(e) => setTyped(e.target.value)} />
        <button type="submit" disabled={!typed.trim()}>
          Search
        </button>
      </form>
      {query ? (
        <div aria-live="polite">
          {results.loading ? <Loading what="Searching" /> : null}
          <ErrorMessage error={results.error} />
          {results.data && results.data.length === 0 ? <p>Nothing published in this group matches “{query}”.</p> : null}
          {results.data && results.data.length > 0 ? (
            <ol className="search-results">
              {results.data.map((r) => (
                <li key={r.postId} className="topic">
                  <Link to={`/thread/${r.topicId}`} className="topic-title">
                    <Highlighted text={r.topicTitle} ranges={r.titleHighlights} />
                  </Link>
                  <p className="snippet">
                    <Highlighted text={r.snippet} ranges={r.highlights} />
                  </p>
                  <p className="hint">
                    {r.author.displayName} · {formatDateTime(r.createdAt)}
                  </p>
                </li>
              ))}
            </ol>
          ) : null}
          <MoreButton list={results} what="results" />
        </div>
      ) : null}
    </section>
  );
}
