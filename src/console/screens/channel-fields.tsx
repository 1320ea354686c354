import type { z } from "@hono/zod-openapi";
import { Fragment } from "preact";
import type { ChannelSchema } from "../../features/channels/channels.schemas";
import { t } from "../strings";

export type Channel = z.infer<typeof ChannelSchema>;
export type ChannelType = Channel["type"];

interface Field {
  key: string;
  secret?: boolean;
  options?: string[];
}

/** Each type's config fields, in the order the platform's console shows them (secrets are write-only). */
export const FIELDS: Record<ChannelType, Field[]> = {
  telegram: [{ key: "botToken", secret: true }],
  whatsapp: [
    { key: "phoneNumberId" },
    { key: "businessAccountId" },
    { key: "accessToken", secret: true },
    { key: "appSecret", secret: true },
  ],
  messenger: [{ key: "pageId" }, { key: "pageToken", secret: true }, { key: "appSecret", secret: true }],
  instagram: [
    { key: "accountId" },
    { key: "accessToken", secret: true },
    { key: "appSecret", secret: true },
    { key: "login", options: ["instagram", "facebook"] },
  ],
};
export const TYPES = Object.keys(FIELDS) as ChannelType[];

/** The inputs of a type's config, named `config.<key>` so a form's data reads them back. */
export function ConfigFields({ type, idPrefix }: { type: ChannelType; idPrefix: string }) {
  return (
    <>
      {FIELDS[type].map((field) => (
        <label key={`${type}-${field.key}`} for={`${idPrefix}-${field.key}`}>
          {t.channels.fields[field.key] ?? field.key}
          {field.options ? (
            <select id={`${idPrefix}-${field.key}`} name={`config.${field.key}`}>
              {field.options.map((o) => (
                <option value={o}>{o}</option>
              ))}
            </select>
          ) : field.secret ? (
            <input
              id={`${idPrefix}-${field.key}`}
              name={`config.${field.key}`}
              type="password"
              autoComplete="off"
              required
            />
          ) : (
            <input id={`${idPrefix}-${field.key}`} name={`config.${field.key}`} type="text" required />
          )}
        </label>
      ))}
    </>
  );
}

/** The `config.*` values of a submitted form. */
export function configOf(form: HTMLFormElement): Record<string, string> {
  const config: Record<string, string> = {};
  for (const [name, value] of new FormData(form)) {
    if (name.startsWith("config.") && typeof value === "string") config[name.slice(7)] = value.trim();
  }
  return config;
}

/** What the API shows of a channel's config: its plain fields, and "configured" for each secret. */
export function ConfigSummary({ channel }: { channel: Channel }) {
  return (
    <dl class="facts">
      {FIELDS[channel.type].map((field) => (
        <Fragment key={field.key}>
          <dt>{t.channels.fields[field.key] ?? field.key}</dt>
          <dd>
            {field.secret
              ? channel.config.configured
                ? t.channels.configured
                : t.channels.notConfigured
              : String(channel.config[field.key] ?? "")}
          </dd>
        </Fragment>
      ))}
    </dl>
  );
}
