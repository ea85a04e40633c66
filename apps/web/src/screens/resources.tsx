import type { Resource } from '../api';
import { smsHref, telHref } from '../crisis';

/** A list of signposting resources with call, text and web links. Text only, never HTML. */
export function ResourceList({ resources }: { resources: Resource[] }) {
  return (
    <ul className="resources">
      {resources.map((r) => (
        <li key={r.id ?? r.title}>
          <p className="resource-title">{r.title}</p>
          <p>{r.description}</p>
          <p className="resource-actions">
            {r.phone ? <a href={telHref(r.phone)}>Call {r.phone}</a> : null}
            {r.sms ? <a href={smsHref(r.sms)}>Text {r.sms}</a> : null}
            {r.url && /^https?:\/\//.test(r.url) ? (
              <a href={r.url} rel="noopener noreferrer" target="_blank">
                Visit website<span className="visually-hidden"> (opens in a new tab)</span>
              </a>
            ) : null}
          </p>
          {r.hours ? <p className="hint">Open: {r.hours}</p> : null}
        </li>
      ))}
    </ul>
  );
}
