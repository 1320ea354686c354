import { describe, expect, it } from "vitest";
import { isMetaMediaUrl } from "../../../../../src/features/channels/meta/meta-media";

describe("Meta media URLs", () => {
  it("allows https on Meta's media hosts only, and loopback only when private outbound is allowed", () => {
    for (const url of [
      "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1037543291543636&ext=1",
      "https://scontent.xx.fbcdn.net/v/t1.15752-9/a.jpg?_nc_cat=1",
      "https://cdn.fbsbx.com/v/t59.3654-21/b.pdf",
      "https://scontent.cdninstagram.com/v/t51.2885-15/c.jpg",
      "https://mmg.whatsapp.net/d/f/abc.enc",
    ])
      expect(isMetaMediaUrl(url, false), url).toBe(true);
    for (const url of [
      "http://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1",
      "https://evil.example/x.jpg",
      "https://fbcdn.net.evil.example/x.jpg",
      "https://evilfbcdn.net/x.jpg",
      "http://127.0.0.1:8080/x.jpg",
      "not a url",
    ])
      expect(isMetaMediaUrl(url, false), url).toBe(false);
    expect(isMetaMediaUrl("http://127.0.0.1:8080/x.jpg", true)).toBe(true);
    expect(isMetaMediaUrl("https://evil.example/x.jpg", true)).toBe(false);
  });
});
