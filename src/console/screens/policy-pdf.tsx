import { useEffect, useRef, useState } from "preact/hooks";
import { apiBlob } from "../api";
import { t } from "../strings";

type PdfDocument = Awaited<ReturnType<typeof import("unpdf")["getDocumentProxy"]>>;

/**
 * One page of a policy's original PDF, drawn on a canvas with pdf.js (unpdf's build, loaded only
 * when a review opens: it is the console's largest chunk). The file comes from
 * `GET /api/policies/:id/document` with the session's token, so only staff of the tenant see it.
 */
export function PolicyPdf({
  policyId,
  page,
  onPage,
}: {
  policyId: string;
  page: number;
  onPage(page: number): void;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [pdf, setPdf] = useState<PdfDocument | null>(null);
  const [state, setState] = useState<"loading" | "ready" | "failed">("loading");
  useEffect(() => {
    let stopped = false;
    setState("loading");
    void (async () => {
      try {
        const [{ getDocumentProxy }, blob] = await Promise.all([
          import("unpdf"),
          apiBlob(`/api/policies/${policyId}/document`),
        ]);
        const opened = await getDocumentProxy(new Uint8Array(await blob.arrayBuffer()));
        if (!stopped) setPdf(opened);
      } catch {
        if (!stopped) setState("failed");
      }
    })();
    return () => {
      stopped = true;
    };
  }, [policyId]);
  useEffect(() => {
    if (!pdf || !canvas.current) return;
    const target = canvas.current;
    let task: { cancel(): void; promise: Promise<unknown> } | undefined;
    void (async () => {
      try {
        const sheet = await pdf.getPage(Math.min(Math.max(1, page), pdf.numPages));
        const viewport = sheet.getViewport({ scale: 1.5 });
        target.width = viewport.width;
        target.height = viewport.height;
        const context = target.getContext("2d");
        if (!context) throw new Error("no canvas");
        task = sheet.render({ canvasContext: context, viewport, canvas: target });
        await task.promise;
        setState("ready");
      } catch {
        setState("failed");
      }
    })();
    return () => task?.cancel();
  }, [pdf, page]);
  const pages = pdf?.numPages ?? 0;
  return (
    <figure class="policy-pdf" aria-label={t.policies.pdf} data-state={state} data-page={page}>
      <figcaption>
        <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
          <span aria-hidden="true">‹</span>
          <span class="sr-only">{t.policies.previousPage}</span>
        </button>
        <span aria-live="polite">{pages > 0 ? t.policies.pdfPage(page, pages) : t.policies.pdfLoading}</span>
        <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
          <span aria-hidden="true">›</span>
          <span class="sr-only">{t.policies.nextPage}</span>
        </button>
      </figcaption>
      {state === "failed" && <p class="error">{t.policies.pdfFailed}</p>}
      <canvas
        ref={canvas}
        role="img"
        aria-label={pages > 0 ? t.policies.pdfPage(page, pages) : t.policies.pdf}
      />
    </figure>
  );
}
