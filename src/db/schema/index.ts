export * from "./agents";
export * from "./conversations";
export * from "./deletions";
export * from "./documents";
export * from "./identity";
export * from "./plans";
export * from "./policies";
export * from "./widget";
