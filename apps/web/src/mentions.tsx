import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import { client, ok, type Schema } from './api';
import { mentionQuery } from './mention-query';
import { useAnnounce } from './ui';

type Mentionable = Schema<'MentionableView'>;

/**
 * @mentions in a textarea: typing `@` and a letter or two suggests members of the group whose
 * names start so, as a listbox the textarea points to (aria-controls, aria-activedescendant):
 * the arrow keys move through it, Enter or Tab picks, Escape closes; a pick writes `@Name `.
 */
export function useMentions(groupId: string | undefined, value: string, onChange: (value: string) => void, field: RefObject<HTMLTextAreaElement | null>) {
  const id = useId();
  const announce = useAnnounce();
  const [typing, setTyping] = useState<{ start: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const query = typing?.query ?? '';
  const suggestions = useQuery({
    queryKey: ['mentionable', groupId, query.toLowerCase()],
    queryFn: async (): Promise<Mentionable[]> =>
      (await ok(client.GET('/groups/{groupId}/members/mentionable', { params: { path: { groupId: groupId! }, query: { prefix: query } } }))).items,
    enabled: Boolean(groupId && typing),
    staleTime: 30_000,
    placeholderData: (previous) => previous,
  });
  const options = typing && dismissed !== `${typing.start}:${query}` ? (suggestions.data ?? []) : [];
  const open = options.length > 0;
  const optionId = (index: number) => `${id}-option-${index}`;

  // The number of suggestions is said once per change, not on every key.
  const said = useRef('');
  useEffect(() => {
    const words = open ? `${options.length} ${options.length === 1 ? 'person' : 'people'} to mention. Use the up and down arrows, then Enter to choose.` : '';
    if (words && words !== said.current) announce(words);
    said.current = words;
  }, [open, options.length, announce]);

  const look = (text: string, caret: number) => {
    const now = mentionQuery(text, caret);
    setTyping(now);
    if (now?.query !== typing?.query) setActive(0);
  };

  const pick = (person: Mentionable) => {
    if (!typing) return;
    const caret = typing.start + 1 + typing.query.length;
    const inserted = `@${person.displayName} `;
    const next = value.slice(0, typing.start) + inserted + value.slice(caret);
    onChange(next);
    setTyping(null);
    announce(`${person.displayName} mentioned.`);
    const at = typing.start + inserted.length;
    window.requestAnimationFrame(() => {
      field.current?.focus();
      field.current?.setSelectionRange(at, at);
    });
  };

  /** True when the key was for the suggestions (the caller then does nothing more with it). */
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!open) return false;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((a) => (a + step + options.length) % options.length);
      return true;
    }
    if (event.key === 'Enter' || event.key === 'Tab') {
      event.preventDefault();
      pick(options[Math.min(active, options.length - 1)]!);
      return true;
    }
    if (event.key === 'Escape') {
      event.preventDefault();
      setDismissed(`${typing!.start}:${query}`);
      return true;
    }
    return false;
  };

  const textareaProps = {
    'aria-autocomplete': 'list' as const,
    'aria-controls': open ? `${id}-listbox` : undefined,
    'aria-activedescendant': open ? optionId(Math.min(active, options.length - 1)) : undefined,
    onSelect: (event: { currentTarget: HTMLTextAreaElement }) => look(event.currentTarget.value, event.currentTarget.selectionStart ?? 0),
    onBlur: () => setTyping(null),
  };

  const listbox: ReactNode = open ? (
    <ul className="mention-suggestions" role="listbox" id={`${id}-listbox`} aria-label="People to mention">
      {options.map((person, index) => (
        <li
          key={person.id}
          id={optionId(index)}
          role="option"
          tabIndex={-1}
          aria-selected={index === Math.min(active, options.length - 1)}
          className={index === Math.min(active, options.length - 1) ? 'active' : undefined}
          // Keeps the focus in the textarea: a pick by pointer goes on writing where it was.
          onMouseDown={(event) => {
            event.preventDefault();
            pick(person);
          }}
        >
          {person.displayName}
        </li>
      ))}
    </ul>
  ) : null;

  return { onKeyDown, textareaProps, listbox, look };
}

/** A labelled textarea for writing in a group, with @mention suggestions (see useMentions). */
export function MentionField({
  groupId,
  label,
  hint,
  value,
  onChange,
  rows = 5,
  required,
  error,
}: {
  groupId: string | undefined;
  label: string;
  hint?: string;
  value: string;
  onChange: (value: string) => void;
  rows?: number;
  required?: boolean;
  error?: string;
}) {
  const id = useId();
  const field = useRef<HTMLTextAreaElement>(null);
  const mentions = useMentions(groupId, value, onChange, field);
  const hintId = `${id}-hint`;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className="field mention-field">
      <label htmlFor={id}>
        {label}
        {required ? null : <span className="optional"> (optional)</span>}
      </label>
      <p id={hintId} className="hint">
        {hint ? `${hint} ` : ''}Type @ and the start of a name to mention a member of the group.
      </p>
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
      <textarea
        id={id}
        ref={field}
        value={value}
        rows={rows}
        required={required}
        aria-describedby={[hintId, errorId].filter(Boolean).join(' ')}
        aria-invalid={error ? true : undefined}
        {...mentions.textareaProps}
        onChange={(e) => {
          onChange(e.target.value);
          mentions.look(e.target.value, e.target.selectionStart ?? e.target.value.length);
        }}
        onKeyDown={(e) => void mentions.onKeyDown(e)}
      />
      {mentions.listbox}
    </div>
  );
}
