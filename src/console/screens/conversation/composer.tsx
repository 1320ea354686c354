import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../../api";
import { tc } from "../../conversation-strings";
import { navigate } from "../../router";
import { t } from "../../strings";
import type { AttachmentRef } from "./attachment-view";
import { type Canned, CannedPicker, cannedQuery } from "./canned-picker";
import type { Room } from "./use-room";

/**
 * The reply box: a message or a private note, optionally a canned response (type `/` and its short
 * code; the server fills in its placeholders) and files. Enter sends, Shift+Enter adds a line.
 */
export function Composer({ id, room }: { id: string; room: Room }) {
  const box = useRef<HTMLTextAreaElement>(null);
  const [note, setNote] = useState(false);
  const [text, setText] = useState("");
  const [canned, setCanned] = useState<Canned | null>(null);
  const [choices, setChoices] = useState<Canned[]>([]);
  const [active, setActive] = useState(0);
  const [files, setFiles] = useState<AttachmentRef[]>([]);
  const [uploading, setUploading] = useState(false);
  const query = cannedQuery(text);
  // Escape closes the picker for what is typed now; typing more opens it again.
  const [closedFor, setClosedFor] = useState<string | null>(null);
  const picking = query !== null && query !== closedFor;

  useEffect(() => {
    if (query === null) return setChoices([]);
    let live = true;
    void api<{ data: Canned[] }>(`/api/canned-responses${query ? `?q=${encodeURIComponent(query)}` : ""}`)
      .then((r) => {
        if (!live) return;
        setChoices(r.data);
        setActive(0);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [query]);

  const choose = (choice: Canned) => {
    setCanned(choice);
    setText("");
    setChoices([]);
    box.current?.focus();
  };
  const reset = () => {
    setText("");
    setCanned(null);
    setFiles([]);
  };
  const send = async () => {
    const attachmentIds = files.map((f) => f.id);
    if (canned) {
      const body = {
        cannedResponseId: canned.id,
        clientId: crypto.randomUUID(),
        attachmentIds,
        ...(note ? { kind: "note" } : {}),
      };
      reset();
      await api(`/api/conversations/${id}/messages`, { json: body }).catch((e: Error) =>
        room.setError(e.message),
      );
      return;
    }
    const body = text.trim() || files.map((f) => f.filename).join(", ");
    if (!body) return;
    if (!room.send(body, { note, attachmentIds })) return room.setError(t.reconnecting);
    reset();
  };
  const upload = async (input: HTMLInputElement) => {
    const list = [...(input.files ?? [])];
    input.value = "";
    setUploading(true);
    for (const file of list) {
      const path = `/api/conversations/${id}/attachments?filename=${encodeURIComponent(file.name)}`;
      await api<AttachmentRef>(path, { raw: file })
        .then((stored) => setFiles((now) => [...now, stored]))
        .catch((e: Error) => room.setError(e.message));
    }
    setUploading(false);
  };
  const onKey = (e: KeyboardEvent) => {
    if (picking && choices.length > 0) {
      const keys: Record<string, () => void> = {
        ArrowDown: () => setActive((active + 1) % choices.length),
        ArrowUp: () => setActive((active - 1 + choices.length) % choices.length),
        Enter: () => choose(choices[active] as Canned),
        Tab: () => choose(choices[active] as Canned),
        Escape: () => setClosedFor(query),
      };
      const action = keys[e.key];
      if (action && !e.shiftKey) {
        e.preventDefault();
        return action();
      }
    }
    // Escape leaves the conversation: back to the inbox list, which takes the focus.
    if (e.key === "Escape") return picking ? setClosedFor(query) : navigate("/");
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      void send();
    }
  };
  return (
    <form
      class={`composer${note ? " composing-note" : ""}`}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <div class="composer-tools">
        <label class="toggle">
          <input type="checkbox" checked={note} onChange={(e) => setNote(e.currentTarget.checked)} />
          {tc.note}
        </label>
        <label class="attach">
          {tc.attach}
          <input
            type="file"
            multiple
            accept="image/*,application/pdf"
            onChange={(e) => void upload(e.currentTarget)}
          />
        </label>
        {uploading && <span role="status">{tc.uploading}</span>}
      </div>
      {(canned || files.length > 0) && (
        <ul class="composer-chips">
          {canned && (
            <li class="chip">
              <span>{tc.cannedChosen(canned.shortCode)}</span>
              <q>{canned.text}</q>
              <button type="button" class="link" onClick={() => setCanned(null)}>
                {tc.clearCanned}
              </button>
            </li>
          )}
          {files.map((file) => (
            <li class="chip" key={file.id}>
              <span>{file.filename}</span>
              <button
                type="button"
                class="link"
                aria-label={tc.removeAttachment(file.filename)}
                onClick={() => setFiles((now) => now.filter((f) => f.id !== file.id))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="composer-input">
        <label for="reply" class="sr-only">
          {t.reply}
        </label>
        <textarea
          id="reply"
          ref={box}
          rows={3}
          value={text}
          placeholder={note ? tc.notePlaceholder : `${t.replyPlaceholder} · ${tc.cannedHint}`}
          aria-controls={picking ? "canned-list" : undefined}
          aria-activedescendant={choices[active] && picking ? `canned-${choices[active].id}` : undefined}
          onKeyDown={onKey}
          onInput={(e) => {
            setText(e.currentTarget.value);
            if (!note) room.frame({ type: "typing", on: true });
          }}
        />
        <button type="submit">{t.send}</button>
      </div>
      {picking && <CannedPicker choices={choices} active={active} onChoose={choose} />}
    </form>
  );
}
