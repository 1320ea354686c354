import type { DocumentKind } from "../../../db/schema";
import { docxSource } from "./docx";
import { pdfSource } from "./pdf";
import { textSource } from "./text";
import type { DocumentSource } from "./types";

/** Opens a stored document of `kind` for page-by-page extraction. */
export async function openSource(
  kind: DocumentKind,
  bytes: Uint8Array,
  maxPages: number,
): Promise<DocumentSource> {
  if (kind === "pdf") return pdfSource(bytes, maxPages);
  if (kind === "docx") return docxSource(bytes);
  return textSource(kind, bytes);
}
