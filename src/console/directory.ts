// The tenant's people, teams and labels, asked once per session: the inbox filters and the conversation
// screen's pickers share them. A failed list (a role without the permission) is just empty.
import { useEffect, useState } from "preact/hooks";
import { api, session } from "./api";
import type { LabelRef } from "./inbox-state";

export interface Person {
  id: string;
  name: string | null;
  email: string;
  status: string;
}
export interface Team {
  id: string;
  name: string;
}
export interface Directory {
  users: Person[];
  teams: Team[];
  labels: LabelRef[];
}

const empty: Directory = { users: [], teams: [], labels: [] };
let loading: Promise<Directory> | null = null;
let loadedFor: string | null = null;

async function load(tenantId: string): Promise<Directory> {
  const list = <T>(path: string) =>
    api<{ data: T[] }>(path)
      .then((r) => r.data)
      .catch(() => [] as T[]);
  const [users, teams, labels] = await Promise.all([
    list<Person>(`/api/tenants/${tenantId}/users`),
    list<Team>("/api/teams"),
    list<LabelRef>("/api/labels"),
  ]);
  return { users: users.filter((user) => user.status === "active"), teams, labels };
}

/** The directory (empty until it arrives). */
export function useDirectory(): Directory {
  const [directory, setDirectory] = useState<Directory>(empty);
  useEffect(() => {
    const tenantId = session()?.tenant.id;
    if (!tenantId) return;
    if (loadedFor !== tenantId) {
      loadedFor = tenantId;
      loading = load(tenantId);
    }
    let live = true;
    void loading?.then((d) => live && setDirectory(d));
    return () => {
      live = false;
    };
  }, []);
  return directory;
}

/** A user's display name. */
export function personName(directory: Directory, id: string | null): string | null {
  if (!id) return null;
  const user = directory.users.find((u) => u.id === id);
  return user ? user.name || user.email : id.slice(0, 8);
}
