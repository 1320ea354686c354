export * from "./conversations";
export * from "./identity";
