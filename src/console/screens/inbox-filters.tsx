import { tc } from "../conversation-strings";
import { useDirectory } from "../directory";
import type { InboxFilter } from "../inbox-state";
import { t } from "../strings";

interface Props {
  filter: InboxFilter;
  onFilter(change: Partial<InboxFilter>): void;
  channels: string[];
}

/** Status, assignee, team, label and channel: each a labelled select ("" is any). */
export function InboxFilters({ filter, onFilter, channels }: Props) {
  const directory = useDirectory();
  const select = (key: keyof InboxFilter, label: string, options: [string, string][]) => (
    <label>
      <span class="sr-only">{label}</span>
      <select value={filter[key]} title={label} onChange={(e) => onFilter({ [key]: e.currentTarget.value })}>
        {options.map(([value, text]) => (
          <option value={value}>{text}</option>
        ))}
      </select>
    </label>
  );
  return (
    <fieldset class="inbox-filters">
      <legend class="sr-only">{tc.filters}</legend>
      {select("status", t.filterStatus, [["", t.all], ...Object.entries(t.status)])}
      {select("assignee", tc.filterAssignee, [
        ["", tc.anyAssignee],
        ["me", tc.me],
        ["none", tc.unassigned],
        ...directory.users.map((u): [string, string] => [u.id, u.name || u.email]),
      ])}
      {directory.teams.length > 0 &&
        select("team", tc.filterTeam, [
          ["", tc.anyTeam],
          ...directory.teams.map((team): [string, string] => [team.id, team.name]),
        ])}
      {directory.labels.length > 0 &&
        select("label", tc.filterLabel, [
          ["", tc.anyLabel],
          ...directory.labels.map((label): [string, string] => [label.id, label.name]),
        ])}
      {select("channel", tc.filterChannel, [
        ["", tc.anyChannel],
        ...channels.map((channel): [string, string] => [channel, channel]),
      ])}
    </fieldset>
  );
}
