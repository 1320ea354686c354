/**
 * The room's one alarm (a Durable Object has one): armed at the earliest of its deadlines. An alarm
 * already set earlier is kept (the alarm re-arms itself when it fires), so a busy room sets it once
 * per flush window, not per message.
 */
export class RoomAlarm {
  /** The alarm as this instance last set it (undefined: not known since waking). */
  private at: number | null | undefined;

  constructor(private readonly storage: DurableObjectStorage) {}

  /** The alarm fired: it is no longer set. */
  fired(): void {
    this.at = null;
  }

  /** Arms the alarm at the earliest deadline, or clears it when there is none. */
  async arm(deadlines: readonly (number | null)[]): Promise<void> {
    const due = deadlines.filter((d): d is number => d !== null);
    if (due.length === 0) {
      this.at = null;
      return this.storage.deleteAlarm();
    }
    const next = Math.min(...due);
    if (this.at === undefined) this.at = await this.storage.getAlarm();
    // An alarm already due (even overdue, under load) fires first: re-arming it later would starve it.
    if (this.at !== null && this.at <= next) return;
    this.at = next;
    await this.storage.setAlarm(next);
  }

  /** Whether the alarm is already set to fire by `due` (then a write that only adds work needs no re-arm). */
  setBy(due: number): boolean {
    return this.at != null && this.at <= due;
  }

  async clear(): Promise<void> {
    await this.storage.deleteAlarm();
    this.at = null;
  }
}
