// What every settings section shares: the error a failed call shows, in the section that made it.
import { useState } from "preact/hooks";

/** What a failed call says, shown in the section that made it. */
export function useError() {
  const [error, setError] = useState<string | null>(null);
  const guard = <T,>(promise: Promise<T>) =>
    promise.catch((caught: Error) => {
      setError(caught.message);
      return null;
    });
  return { error, setError, guard };
}

/** The section's last error, announced. */
export function ErrorLine({ error }: { error: string | null }) {
  return error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : null;
}
