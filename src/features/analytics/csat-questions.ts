// The room asks these (room-analytics.ts, room-csat.ts): apart from the CSAT routes' schemas.

/** What the widget shows when a conversation is resolved (the `csat` frame). */
export const CSAT_QUESTION = "How satisfied are you with the help you received?";
/** The question as a channel message: the customer answers by replying with the number. */
export const CHANNEL_CSAT_QUESTION = `${CSAT_QUESTION} Reply with a number from 1 (poor) to 5 (great).`;
