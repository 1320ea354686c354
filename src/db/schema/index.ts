export * from "./conversations";
export * from "./documents";
export * from "./identity";
export * from "./widget";
export * from "./agents";
