import { describe, expect, it } from "vitest";
import { documentedApp } from "../../../src/app";
import { componentNameCollisions } from "../../../src/lib/openapi";
import { callJson } from "../../support/api";

interface Document {
  paths: Record<
    string,
    Record<string, { requestBody?: { content: Record<string, { schema: { $ref: string } }> } }>
  >;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
}

describe("the OpenAPI document", () => {
  it("gives every component name one schema, so no route is documented with another's", async () => {
    expect(componentNameCollisions(await documentedApp())).toEqual([]);
  });

  it("documents /chat/completion with its own request: userId, sessionId and isApproval", async () => {
    const document = await callJson<Document>("/openapi.json", {}, 200);
    const ref =
      document.paths["/chat/completion"]?.post?.requestBody?.content["application/json"]?.schema.$ref;
    const schema = document.components.schemas[ref?.split("/").at(-1) ?? ""];
    expect(Object.keys(schema?.properties ?? {})).toEqual(
      expect.arrayContaining(["userId", "sessionId", "isApproval"]),
    );
    const v1 =
      document.paths["/v1/chat/completions"]?.post?.requestBody?.content["application/json"]?.schema.$ref;
    expect(v1).not.toBe(ref);
  });
});
