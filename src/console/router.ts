import { useEffect, useState } from "preact/hooks";

/** The console's routes live under /app; this is the part after it ("/", "/conversations/…"). */
export const BASE = "/app";

function currentPath(): string {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : "/";
  return path || "/";
}

/** Goes to a console path without a reload. */
export function navigate(path: string): void {
  history.pushState(null, "", `${BASE}${path}`);
  dispatchEvent(new PopStateEvent("popstate"));
}

/** The current console path, updated on navigation. */
export function usePath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = () => setPath(currentPath());
    addEventListener("popstate", update);
    return () => removeEventListener("popstate", update);
  }, []);
  return path;
}
