// The contact beside a conversation (loaded on first use: its own chunk): who they are, their
// attributes, their other conversations; edit name, email, phone and attributes.
import { useEffect, useState } from "preact/hooks";
import type { ContactView } from "../../../features/contacts/contacts.views";
import type { InboxEvent } from "../../../features/inbox/inbox.protocol";
import { api } from "../../api";
import { tc } from "../../conversation-strings";
import type { ListItem } from "../../inbox-state";
import { navigate } from "../../router";
import { t } from "../../strings";

export interface ContactPanelProps {
  contactId: string;
  conversationId: string;
  subscribe(listener: (event: InboxEvent) => void): () => void;
}

function Editor({ contact, onSaved }: { contact: ContactView; onSaved(contact: ContactView | null): void }) {
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const field = (name: string) => String(form.get(name) ?? "").trim() || null;
    let customAttributes: unknown;
    try {
      customAttributes = JSON.parse(String(form.get("attributes") || "{}"));
    } catch {
      customAttributes = null;
    }
    if (typeof customAttributes !== "object" || customAttributes === null || Array.isArray(customAttributes))
      return setError(tc.badJson);
    const body = { name: field("name"), email: field("email"), phone: field("phone"), customAttributes };
    await api<ContactView>(`/api/contacts/${contact.id}`, { method: "PUT", json: body })
      .then(onSaved)
      .catch((e: Error) => setError(e.message));
  };
  return (
    <form class="contact-edit" onSubmit={submit} aria-label={tc.edit}>
      <label>
        {t.name} <input name="name" defaultValue={contact.name ?? ""} />
      </label>
      <label>
        {t.email} <input name="email" type="email" defaultValue={contact.email ?? ""} />
      </label>
      <label>
        {tc.phone} <input name="phone" defaultValue={contact.phone ?? ""} />
      </label>
      <label>
        {tc.attributesJson}
        <textarea
          name="attributes"
          rows={4}
          defaultValue={JSON.stringify(contact.customAttributes, null, 2)}
        />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="row-actions">
        <button type="submit">{tc.save}</button>
        <button type="button" class="link" onClick={() => onSaved(null)}>
          {tc.cancel}
        </button>
      </div>
    </form>
  );
}

/** The contact panel. */
export default function ContactPanel({ contactId, conversationId, subscribe }: ContactPanelProps) {
  const [contact, setContact] = useState<ContactView | null>(null);
  const [others, setOthers] = useState<ListItem[]>([]);
  const [editing, setEditing] = useState(false);
  useEffect(() => {
    void api<ContactView>(`/api/contacts/${contactId}`)
      .then(setContact)
      .catch(() => undefined);
    void api<{ data: ListItem[] }>(`/api/conversations?contactId=${contactId}&limit=10`)
      .then((r) => setOthers(r.data.filter((c) => c.id !== conversationId)))
      .catch(() => undefined);
    return subscribe((event) => {
      if (event.type === "contact.updated" && event.contact.id === contactId) setContact(event.contact);
    });
  }, [contactId]);
  if (!contact) return <aside class="contact-panel" aria-label={tc.contact} />;
  const attributes = Object.entries(contact.customAttributes);
  return (
    <aside class="contact-panel" aria-label={tc.contact}>
      <h3>{contact.name || contact.email || contact.phone || tc.contact}</h3>
      {editing ? (
        <Editor
          contact={contact}
          onSaved={(saved) => {
            if (saved) setContact(saved);
            setEditing(false);
          }}
        />
      ) : (
        <>
          <dl>
            <dt>{t.name}</dt>
            <dd>{contact.name ?? "—"}</dd>
            <dt>{t.email}</dt>
            <dd>{contact.email ?? "—"}</dd>
            <dt>{tc.phone}</dt>
            <dd>{contact.phone ?? "—"}</dd>
            {attributes.map(([key, value]) => (
              <>
                <dt>{key}</dt>
                <dd>{typeof value === "string" ? value : JSON.stringify(value)}</dd>
              </>
            ))}
          </dl>
          <button type="button" onClick={() => setEditing(true)}>
            {tc.edit}
          </button>
        </>
      )}
      <h4>{tc.otherConversations}</h4>
      {others.length === 0 ? (
        <p class="empty">{tc.noOtherConversations}</p>
      ) : (
        <ul class="plain">
          {others.map((c) => (
            <li key={c.id}>
              <a
                href={`/app/conversations/${c.id}`}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(`/conversations/${c.id}`);
                }}
              >
                {c.lastMessagePreview ?? c.id.slice(0, 8)}
              </a>{" "}
              <span class={`badge status-${c.status}`}>{t.status[c.status] ?? c.status}</span>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
