import { useEffect, useRef, useState } from "preact/hooks";
import type { DocumentView } from "../../features/documents/documents.views";
import type { InboxEvent } from "../../features/inbox/inbox.protocol";
import { api } from "../api";
import { t } from "../strings";

interface Passage {
  chunkId: string;
  documentId: string;
  title: string;
  page: number | null;
  snippet: string;
}

const ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#39;": "'",
};
const decodeEntities = (html: string) => html.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e);

/** The server's escaped snippet with its <mark>s as elements, without ever using innerHTML. */
function Snippet({ html }: { html: string }) {
  const parts = html.split(/<\/?mark>/);
  return (
    <p>
      {parts.map((part, i) => (i % 2 === 1 ? <mark>{decodeEntities(part)}</mark> : decodeEntities(part)))}
    </p>
  );
}

/** The document with the newest state the inbox stream reported for it applied. */
function newest(document: DocumentView, latest: Map<string, Partial<DocumentView> & { updatedAt: string }>) {
  const update = latest.get(document.id);
  return update && update.updatedAt >= document.updatedAt ? { ...document, ...update } : document;
}

/**
 * The tenant's documents: upload (many at once), progress live from the inbox stream, process again,
 * delete; and a search box that shows the passages an agent would be given.
 */
export default function Knowledge({
  subscribe,
}: {
  subscribe(listener: (event: InboxEvent) => void): () => void;
}) {
  const [documents, setDocuments] = useState<DocumentView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [passages, setPassages] = useState<Passage[] | null>(null);
  const latest = useRef(new Map<string, Partial<DocumentView> & { updatedAt: string }>());
  const files = useRef<HTMLInputElement>(null);
  const collection = useRef<HTMLInputElement>(null);
  const query = useRef<HTMLInputElement>(null);

  const load = () =>
    api<{ data: DocumentView[] }>("/api/documents?limit=100")
      .then((page) => setDocuments(page.data))
      .catch((caught: Error) => setError(caught.message));
  useEffect(() => {
    void load();
    return subscribe((event) => {
      if (event.type === "document.updated") {
        // Processing may finish before the upload's own answer arrives: remember the newest state.
        latest.current.set(event.document.id, event.document);
        setDocuments((list) => list.map((d) => newest(d, latest.current)));
      }
      if (event.type === "document.deleted")
        setDocuments((list) => list.filter((d) => d.id !== event.documentId));
    });
  }, [subscribe]);

  const upload = async (event: Event) => {
    event.preventDefault();
    setError(null);
    for (const file of Array.from(files.current?.files ?? [])) {
      const form = new FormData();
      form.set("file", file);
      const name = collection.current?.value.trim();
      if (name) form.set("collection", name);
      try {
        const { document } = await api<{ document: DocumentView }>("/api/documents", { form });
        setDocuments((list) => [
          newest(document, latest.current),
          ...list.filter((d) => d.id !== document.id),
        ]);
      } catch (caught) {
        setError(`${file.name}: ${(caught as Error).message}`);
      }
    }
    if (files.current) files.current.value = "";
  };
  const search = async (event: Event) => {
    event.preventDefault();
    const q = query.current?.value.trim();
    if (!q) return;
    const result = await api<{ data: Passage[] }>(
      `/api/knowledge/search?q=${encodeURIComponent(q)}&limit=5`,
    ).catch((caught: Error) => {
      setError(caught.message);
      return null;
    });
    setPassages(result?.data ?? null);
  };
  const remove = async (document: DocumentView) => {
    if (!confirm(t.confirmDelete(document.title))) return;
    await api(`/api/documents/${document.id}`, { method: "DELETE" }).catch((caught: Error) =>
      setError(caught.message),
    );
    setDocuments((list) => list.filter((d) => d.id !== document.id));
  };

  return (
    <section class="page" aria-labelledby="knowledge-title">
      <h2 id="knowledge-title" class="page-title">
        {t.knowledge}
      </h2>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <form class="card" onSubmit={upload}>
        <label>
          {t.upload} <small>({t.uploadHint})</small>
          <input ref={files} type="file" multiple required />
        </label>
        <label>
          {t.collection}
          <input ref={collection} type="text" />
        </label>
        <button type="submit">{t.uploadButton}</button>
      </form>
      <form class="card search" onSubmit={search}>
        <label>
          {t.searchKnowledge}
          <input ref={query} type="search" />
        </label>
        <button type="submit">{t.searchButton}</button>
      </form>
      {passages && (
        <ol class="passages" aria-label={t.searchKnowledge}>
          {passages.length === 0 && <li>{t.noPassages}</li>}
          {passages.map((p) => (
            <li key={p.chunkId}>
              <strong>{p.title}</strong> {p.page !== null && <span class="badge">{t.page(p.page)}</span>}
              <Snippet html={p.snippet} />
            </li>
          ))}
        </ol>
      )}
      <table class="documents" aria-label={t.documents}>
        <thead>
          <tr>
            <th scope="col">{t.documents}</th>
            <th scope="col">{t.filterStatus}</th>
            <th scope="col">
              <span class="sr-only">{t.delete}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {documents.length === 0 && (
            <tr>
              <td colSpan={3}>{t.noDocuments}</td>
            </tr>
          )}
          {documents.map((d) => (
            <tr key={d.id} data-status={d.status}>
              <td>
                {d.title}
                {d.collection && <span class="badge">{d.collection.name}</span>}
              </td>
              <td>
                {t.docStatus[d.status] ?? d.status} · {t.pages(d.pages.done, d.pages.total)}
                {d.status === "ready" && ` · ${t.chunks(d.chunkCount)}`}
                {d.error && <span class="error"> {d.error}</span>}
              </td>
              <td class="row-actions">
                <button
                  type="button"
                  onClick={() => api(`/api/documents/${d.id}/process`, { json: {} }).catch(() => load())}
                >
                  {t.reprocess}
                </button>
                <button type="button" class="danger" onClick={() => remove(d)}>
                  {t.delete}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
