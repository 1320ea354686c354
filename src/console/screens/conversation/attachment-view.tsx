import { useEffect, useState } from "preact/hooks";
import { apiBlob } from "../../api";
import { tc } from "../../conversation-strings";

/** A file a message carries (its metadata.attachments entry). */
export interface AttachmentRef {
  id: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
}

const size = (bytes: number) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 ** 2
      ? `${Math.round(bytes / 1024)} KB`
      : `${(bytes / 1024 ** 2).toFixed(1)} MB`;

/** An attachment: an image as a thumbnail, any file as a download (fetched with the access token). */
function AttachmentView({ file }: { file: AttachmentRef }) {
  const [url, setUrl] = useState<string | null>(null);
  const image = file.contentType.startsWith("image/");
  useEffect(() => {
    if (!image) return;
    let made: string | null = null;
    void apiBlob(`/api/attachments/${file.id}`)
      .then((blob) => {
        made = URL.createObjectURL(blob);
        setUrl(made);
      })
      .catch(() => undefined);
    return () => {
      if (made) URL.revokeObjectURL(made);
    };
  }, [file.id]);
  const download = async (event: Event) => {
    event.preventDefault();
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await apiBlob(`/api/attachments/${file.id}`));
    link.download = file.filename;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  };
  return (
    <li class="attachment">
      {image && url && <img src={url} alt={file.filename} class="thumbnail" />}
      <a href={`/api/attachments/${file.id}`} onClick={download}>
        {file.filename}
      </a>{" "}
      <span class="meta">{size(file.sizeBytes)}</span>
    </li>
  );
}

/** The files of one message. */
export function Attachments({ files }: { files: AttachmentRef[] }) {
  if (files.length === 0) return null;
  return (
    <ul class="attachments" aria-label={tc.attachments}>
      {files.map((file) => (
        <AttachmentView key={file.id} file={file} />
      ))}
    </ul>
  );
}

/** The attachments in a message's metadata (what the room recorded), checked for shape. */
export function attachmentsOf(metadata: Record<string, unknown> | undefined): AttachmentRef[] {
  const list = metadata?.attachments;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (a): a is AttachmentRef =>
      typeof a === "object" &&
      a !== null &&
      typeof (a as AttachmentRef).id === "string" &&
      typeof (a as AttachmentRef).filename === "string",
  );
}
