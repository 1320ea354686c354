import { snippetParts } from "../inbox-state";

/** A search snippet with its matches marked (rendered as text, never as HTML). */
export function Snippet({ html }: { html: string }) {
  return <>{snippetParts(html).map((part) => (part.mark ? <mark>{part.text}</mark> : part.text))}</>;
}
