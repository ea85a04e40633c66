/** The words a notice quotes back to their author: an opening post's title above its body. */
export function quoteOf(subject: { body: string; fields?: { title?: string | null } }): string {
  const title = subject.fields?.title;
  return title ? `${title}\n\n${subject.body}` : subject.body;
}
