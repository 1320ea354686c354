// A WhatsApp template message, for when the channel's window has closed and free-form text is refused.
import { useState } from "preact/hooks";
import { api } from "../../api";
import { tc } from "../../conversation-strings";

/** Sends `{ template: { name, language, parameters } }`; the room shows it as a staff message. */
export function TemplateForm({ id, onError }: { id: string; onError: (message: string) => void }) {
  const [sending, setSending] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const field = (name: string) => String(form.get(name) ?? "").trim();
    const parameters = field("parameters")
      .split("|")
      .map((part) => part.trim())
      .filter(Boolean);
    setSending(true);
    await api(`/api/conversations/${id}/messages`, {
      json: { template: { name: field("name"), language: field("language"), parameters } },
    })
      .then(() => (event.target as HTMLFormElement).reset())
      .catch((error: Error) => onError(error.message))
      .finally(() => setSending(false));
  };
  return (
    <form class="template-form" aria-label={tc.template.title} onSubmit={(event) => void submit(event)}>
      <label>
        {tc.template.name}
        <input name="name" required pattern="[a-z0-9_]+" placeholder="order_update" />
      </label>
      <label>
        {tc.template.language}
        <input name="language" required placeholder="en_US" />
      </label>
      <label>
        {tc.template.parameters}
        <input name="parameters" placeholder="Ada | #4521" />
      </label>
      <button type="submit" disabled={sending}>
        {tc.template.send}
      </button>
    </form>
  );
}
