import { tc } from "../../conversation-strings";

/** A canned response as GET /api/canned-responses lists it. */
export interface Canned {
  id: string;
  shortCode: string;
  text: string;
}

/** The short-code prefix being typed (`/ref` → "ref"), or null when the reply is not a `/` command. */
export function cannedQuery(text: string): string | null {
  return /^\/([a-z0-9_-]{0,40})$/i.exec(text)?.[1]?.toLowerCase() ?? null;
}

interface Props {
  choices: Canned[];
  active: number;
  onChoose(choice: Canned): void;
}

/** The canned responses matching what was typed after `/` (arrows move, Enter or Tab chooses). */
export function CannedPicker({ choices, active, onChoose }: Props) {
  return (
    <div class="canned">
      {choices.length === 0 ? (
        <p class="empty">{tc.noCanned}</p>
      ) : (
        <div id="canned-list" role="listbox" aria-label={tc.canned}>
          {choices.map((choice, index) => (
            // biome-ignore lint/a11y/useKeyWithClickEvents: the reply box handles the keyboard
            <div
              id={`canned-${choice.id}`}
              key={choice.id}
              role="option"
              tabIndex={-1}
              aria-selected={index === active}
              class={index === active ? "active" : undefined}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => onChoose(choice)}
            >
              <strong>/{choice.shortCode}</strong> <span>{choice.text}</span>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
