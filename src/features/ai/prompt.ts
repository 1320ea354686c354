import type { ChatMessage } from "../../providers/ai-chat";
import type { Passage } from "./retrieval";

export interface HistoryItem {
  sender: "visitor" | "staff" | "integration" | "ai" | "system";
  text: string;
}

/** Rough token count (≈4 characters per token) — enough to keep prompts inside a budget. */
export const estimateTokens = (text: string) => Math.ceil(text.length / 4);

const cite = (p: Passage, i: number) =>
  `[${i + 1}] ${p.title}${p.page ? `, page ${p.page}` : ""}:\n${p.content.slice(0, 2000)}`;

/**
 * The messages sent to the model: the agent's instructions with the retrieved passages, then as
 * much recent conversation as fits the token budget (oldest dropped first).
 */
export function buildMessages(
  systemPrompt: string,
  passages: Passage[],
  history: HistoryItem[],
  budgetTokens: number,
): ChatMessage[] {
  const knowledge =
    passages.length > 0
      ? `\n\nUse these passages from the company's documents when they are relevant, and cite them as [n]:\n\n${passages.map(cite).join("\n\n")}`
      : "\n\nNo document passages matched; if you do not know, say so and offer to connect a human.";
  const system: ChatMessage = {
    role: "system",
    content: `${systemPrompt || "You are a helpful customer support assistant."}${knowledge}`,
  };
  let remaining = budgetTokens - estimateTokens(system.content);
  const kept: ChatMessage[] = [];
  for (const item of [...history].reverse()) {
    if (item.sender === "system") continue;
    const message: ChatMessage =
      item.sender === "visitor"
        ? { role: "user", content: item.text }
        : {
            role: "assistant",
            content:
              item.sender === "staff" || item.sender === "integration"
                ? `(a human colleague wrote) ${item.text}`
                : item.text,
          };
    remaining -= estimateTokens(message.content);
    if (remaining < 0 && kept.length > 0) break;
    kept.unshift(message);
  }
  return [system, ...kept];
}
