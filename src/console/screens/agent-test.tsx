import type { z } from "@hono/zod-openapi";
import { useRef, useState } from "preact/hooks";
import type { TestResultSchema } from "../../features/ai/ai.schemas";
import { api } from "../api";
import { t } from "../strings";
import { ErrorLine, useError } from "../ui";

type Result = z.infer<typeof TestResultSchema>;
interface Turn {
  id: number;
  question: string;
  result: Result;
}

/** One answer: the reply, the hand-off if the agent asked for one, the passages it was given, the usage. */
function Answer({ result }: { result: Result }) {
  const u = result.usage;
  return (
    <div class="answer">
      <p class="reply">{result.reply}</p>
      <p class="meta">
        {t.agents.mode[result.mode]}
        {u && ` · ${t.agents.usage(u.model, u.promptTokens, u.completionTokens, u.latencyMs)}`}
      </p>
      {result.handoff && <p class="notice">{t.agents.handoff(result.handoff.reason)}</p>}
      <details open={result.passages.length > 0}>
        <summary>{t.agents.passages(result.passages.length)}</summary>
        <ol class="passages" aria-label={t.agents.passagesUsed}>
          {result.passages.map((p) => (
            <li key={`${p.documentId}-${p.page}-${p.score}`}>
              <strong>{p.title}</strong> {p.page !== null && <span class="badge">{t.page(p.page)}</span>}{" "}
              <span class="badge">{t.agents.score(p.score)}</span>
              <p>{p.content}</p>
            </li>
          ))}
        </ol>
      </details>
    </div>
  );
}

/** Asks the agent without a conversation (each question on its own) and shows what it would answer. */
export function AgentTest({ agentId }: { agentId: string }) {
  const [turns, setTurns] = useState<Turn[]>([]);
  const [busy, setBusy] = useState(false);
  const { error, setError, guard } = useError();
  const input = useRef<HTMLTextAreaElement>(null);
  const ask = async (event: Event) => {
    event.preventDefault();
    const question = input.current?.value.trim();
    if (!question || busy) return;
    setError(null);
    setBusy(true);
    const result = await guard(api<Result>(`/api/agents/${agentId}/test`, { json: { message: question } }));
    setBusy(false);
    if (!result) return;
    setTurns((list) => [...list, { id: list.length, question, result }]);
    if (input.current) input.current.value = "";
    input.current?.focus();
  };
  return (
    <section aria-labelledby="test-title" class="agent-test">
      <h3 id="test-title">{t.agents.test}</h3>
      <p class="hint">{t.agents.testHint}</p>
      <ol class="plain" aria-label={t.agents.testLog} aria-live="polite">
        {turns.map((turn) => (
          <li key={turn.id}>
            <p class="question">{turn.question}</p>
            <Answer result={turn.result} />
          </li>
        ))}
      </ol>
      <ErrorLine error={error} />
      <form class="composer" onSubmit={ask}>
        <label class="sr-only" for="agent-question">
          {t.agents.question}
        </label>
        <textarea
          id="agent-question"
          ref={input}
          rows={2}
          placeholder={t.agents.question}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey) void ask(e);
          }}
        />
        <button type="submit" disabled={busy}>
          {busy ? t.agents.asking : t.agents.ask}
        </button>
      </form>
    </section>
  );
}
