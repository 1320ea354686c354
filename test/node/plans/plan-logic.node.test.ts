import { describe, expect, it } from "vitest";
import { decisionIn } from "../../../src/features/plans/approval-words";
import { resolveReferences, UnresolvedReference } from "../../../src/features/plans/references";

describe("plan decisions in words", () => {
  it("reads short approvals and refusals, and treats anything else as a new request", () => {
    for (const text of [
      "approve",
      "Approved.",
      "yes, go ahead",
      "Yes go ahead!",
      "ok",
      "Sure, do it",
      "confirm",
    ]) {
      expect(decisionIn(text), text).toBe("approve");
    }
    for (const text of ["reject", "Cancel", "no", "No, don't", "stop!", "yes, cancel it", "never mind"]) {
      expect(decisionIn(text), text).toBe("reject");
    }
    for (const text of [
      "",
      "refund order 1234",
      "yes but first tell me what the refund policy is for orders",
    ]) {
      expect(decisionIn(text), text).toBeNull();
    }
  });
});

describe("references between steps", () => {
  const results = new Map<number, unknown>([
    [1, { id: 7, customer: { email: "ann@example.test" }, items: [{ sku: "A1" }] }],
    [2, "plain text"],
  ]);

  it("takes a whole reference's value as is and splices references inside text", () => {
    expect(
      resolveReferences(
        {
          orderId: "{{steps.1.id}}",
          to: "{{ steps.1.customer.email }}",
          sku: "{{steps.1.items.0.sku}}",
          note: "Order {{steps.1.id}} for {{steps.1.customer.email}}: {{steps.2}}",
          list: ["{{steps.1.customer}}"],
          untouched: 3,
        },
        results,
      ),
    ).toEqual({
      orderId: 7,
      to: "ann@example.test",
      sku: "A1",
      note: "Order 7 for ann@example.test: plain text",
      list: [{ email: "ann@example.test" }],
      untouched: 3,
    });
  });

  it("fails on a step without a result or a missing field", () => {
    expect(() => resolveReferences("{{steps.3.id}}", results)).toThrow(UnresolvedReference);
    expect(() => resolveReferences("{{steps.1.total}}", results)).toThrow(/step 1's response has no total/);
  });
});
