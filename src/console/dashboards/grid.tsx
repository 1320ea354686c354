// Widgets on the 24-column grid. While arranging, each widget's handle moves it (arrow keys, or a
// pointer drag) and resizes it (Shift+arrow keys, or the corner); the caller saves the layout.
import { useRef, useState } from "preact/hooks";
import { t } from "../strings";
import { Chart } from "./chart";
import { COLUMNS, place, readingOrder, step } from "./layout";
import type { Data, Layout, Rect, Widget } from "./types";

/** Height of one grid row in pixels, and the gap between cells (console.css's .dash-grid). */
const ROW = 36;
const GAP = 8;

interface Props {
  widgets: Widget[];
  layout: Layout;
  data: Data | null;
  arranging: boolean;
  onLayout(layout: Layout): void;
  /** Absent for people who may not change the dashboard. */
  onEdit?: (widget: Widget) => void;
  onRemove?: (widget: Widget) => void;
}

/** The dashboard's widgets with their charts, in reading order (a phone shows them as one column). */
export function Grid({ widgets, layout, data, arranging, onLayout, onEdit, onRemove }: Props) {
  const grid = useRef<HTMLUListElement>(null);
  // The DOM keeps the saved order while arranging: moving a focused node would drop its focus.
  const saved = Object.fromEntries(widgets.map((w) => [w.id, w.layout]));
  const [said, setSaid] = useState("");
  const move = (widget: Widget, rect: Rect, from: Layout = layout) => {
    const next = place(from, widget.id, rect);
    onLayout(next);
    const at = next[widget.id] as Rect;
    setSaid(`${widget.title}: ${t.dashboards.position(at.x, at.y, at.w, at.h)}`);
  };
  /** A pointer drag from the handle (moves) or the corner (resizes), in whole cells. */
  const drag = (widget: Widget, resize: boolean) => (event: PointerEvent) => {
    const box = grid.current?.getBoundingClientRect();
    const start = layout[widget.id];
    if (!box || !start) return;
    event.preventDefault();
    const target = event.currentTarget as HTMLElement;
    target.setPointerCapture(event.pointerId);
    const cell = (box.width + GAP) / COLUMNS;
    const base = layout;
    const follow = (moveEvent: PointerEvent) => {
      const dx = Math.round((moveEvent.clientX - event.clientX) / cell);
      const dy = Math.round((moveEvent.clientY - event.clientY) / (ROW + GAP));
      const rect = resize
        ? { ...start, w: start.w + dx, h: start.h + dy }
        : { ...start, x: start.x + dx, y: start.y + dy };
      move(widget, rect, base);
    };
    const stop = () => {
      target.removeEventListener("pointermove", follow);
      target.removeEventListener("pointerup", stop);
      target.removeEventListener("pointercancel", stop);
    };
    target.addEventListener("pointermove", follow);
    target.addEventListener("pointerup", stop);
    target.addEventListener("pointercancel", stop);
  };
  const key = (widget: Widget) => (event: KeyboardEvent) => {
    const rect = layout[widget.id];
    const next = rect && step(rect, event.key, event.shiftKey);
    if (!next) return;
    event.preventDefault();
    move(widget, next);
  };
  if (!widgets.length) return <p class="empty">{t.dashboards.noWidgets}</p>;
  return (
    <>
      {arranging && <p id="move-hint">{t.dashboards.moveHint}</p>}
      <p class="sr-only" aria-live="polite">
        {said}
      </p>
      <ul class={`dash-grid${arranging ? " arranging" : ""}`} ref={grid} aria-label={t.dashboards.grid}>
        {readingOrder(widgets, saved).map((widget) => {
          const rect = layout[widget.id] ?? widget.layout;
          return (
            <li
              key={widget.id}
              class={`widget widget-${widget.type}`}
              aria-labelledby={`w-${widget.id}`}
              data-layout={`${rect.x},${rect.y},${rect.w},${rect.h}`}
              style={{
                "--col": `${rect.x + 1} / span ${rect.w}`,
                "--row": `${rect.y + 1} / span ${rect.h}`,
                "--min-h": `${rect.h * ROW}px`,
              }}
            >
              <header>
                {arranging && (
                  <button
                    type="button"
                    class="move-handle"
                    aria-label={t.dashboards.moveHandle(widget.title)}
                    aria-describedby="move-hint"
                    onKeyDown={key(widget)}
                    onPointerDown={drag(widget, false)}
                  >
                    ⠿
                  </button>
                )}
                <h3 id={`w-${widget.id}`}>{widget.title}</h3>
                {!arranging && onEdit && onRemove && (
                  <span class="widget-actions">
                    <button type="button" class="link" onClick={() => onEdit(widget)}>
                      {t.dashboards.edit}
                      <span class="sr-only"> {widget.title}</span>
                    </button>
                    <button type="button" class="link" onClick={() => onRemove(widget)}>
                      {t.dashboards.removeWidget}
                      <span class="sr-only"> {widget.title}</span>
                    </button>
                  </span>
                )}
              </header>
              <div class="widget-body">
                <Chart data={data?.widgets[widget.id]} title={widget.title} />
              </div>
              {arranging && (
                <span
                  class="resize-handle"
                  title={t.dashboards.resizeHandle(widget.title)}
                  aria-hidden="true"
                  onPointerDown={drag(widget, true)}
                />
              )}
            </li>
          );
        })}
      </ul>
    </>
  );
}
