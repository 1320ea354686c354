// Team and settings as tabs (WAI-ARIA tabs: arrow keys, Home and End move between them); each tab's
// section loads its data when first shown. The open tab is in the URL (?tab=), so it can be linked.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { t } from "../strings";
import { AiSettings } from "./settings-ai";
import { Teams } from "./settings-teams";
import { TenantSettings } from "./settings-tenant";
import { Webhooks } from "./settings-webhooks";

/** The settings page's tabs: `general` (users and keys) first, then teams, webhooks, AI, workspace. */
export function SettingsTabs({ general }: { general: ComponentChildren }) {
  const tabs = [
    { id: "general", label: t.settingsTabs.general, panel: general },
    { id: "teams", label: t.teams.title, panel: <Teams /> },
    { id: "webhooks", label: t.webhooks.title, panel: <Webhooks /> },
    { id: "ai", label: t.aiSettings.title, panel: <AiSettings /> },
    { id: "workspace", label: t.tenantSettings.title, panel: <TenantSettings /> },
  ];
  const wanted = new URLSearchParams(location.search).get("tab");
  const [active, setActive] = useState(tabs.some((tab) => tab.id === wanted) ? wanted : "general");
  const select = (id: string, focus = false) => {
    setActive(id);
    history.replaceState(null, "", id === "general" ? location.pathname : `${location.pathname}?tab=${id}`);
    if (focus) document.getElementById(`tab-${id}`)?.focus();
  };
  const key = (index: number) => (event: KeyboardEvent) => {
    const last = tabs.length - 1;
    const to = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: last }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    select(tabs[(to + tabs.length) % tabs.length]?.id ?? "general", true);
  };
  const current = tabs.find((tab) => tab.id === active) ?? tabs[0];
  return (
    <>
      <div class="tabs" role="tablist" aria-label={t.settingsTabs.label}>
        {tabs.map((tab, index) => (
          <button
            type="button"
            role="tab"
            id={`tab-${tab.id}`}
            aria-selected={tab.id === active}
            aria-controls="settings-panel"
            tabIndex={tab.id === active ? 0 : -1}
            onClick={() => select(tab.id)}
            onKeyDown={key(index)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      <div id="settings-panel" role="tabpanel" class="tab-panel" aria-labelledby={`tab-${current?.id}`}>
        {current?.panel}
      </div>
    </>
  );
}
