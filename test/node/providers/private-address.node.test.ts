import { describe, expect, it } from "vitest";
import { assertOutboundUrl } from "../../../src/providers/outbound";

const refused = [
  // loopback, private, link-local and other internal IPv4, in the forms URL parsing accepts
  "http://127.0.0.1/",
  "http://127.1/",
  "http://2130706433/",
  "http://0x7f.0.0.1/",
  "http://0.0.0.0/",
  "http://10.0.0.1/",
  "http://172.16.5.4/",
  "http://192.168.1.1/",
  "http://100.64.0.1/",
  "http://169.254.169.254/latest/meta-data",
  "http://198.18.0.1/",
  "http://192.0.0.8/",
  "http://224.0.0.1/",
  "http://239.255.255.250/",
  "http://255.255.255.255/",
  "http://240.0.0.1/",
  "http://127.0.0.1./",
  // IPv6 loopback, unspecified, unique-local, link-local, site-local, multicast
  "http://[::1]/",
  "http://[::]/",
  "http://[0:0:0:0:0:0:0:1]/",
  "http://[fc00::1]/",
  "http://[fd12:3456::1]/",
  "http://[fe80::1]/",
  "http://[fec0::1]/",
  "http://[ff02::1]/",
  // IPv4-compatible, -mapped and -translated forms of private IPv4 (URL parsing turns them into hex)
  "http://[::127.0.0.1]/",
  "http://[::7f00:1]/",
  "http://[::10.0.0.1]/",
  "http://[::ffff:127.0.0.1]/",
  "http://[::ffff:7f00:1]/",
  "http://[::ffff:a9fe:a9fe]/",
  "http://[::ffff:192.168.0.1]/",
  "http://[::ffff:172.16.0.1]/",
  "http://[::ffff:100.64.0.1]/",
  "http://[::ffff:224.0.0.1]/",
  "http://[::ffff:0:127.0.0.1]/",
  // NAT64 and 6to4 of private IPv4, local-use NAT64, Teredo
  "http://[64:ff9b::7f00:1]/",
  "http://[64:ff9b::127.0.0.1]/",
  "http://[64:ff9b::a00:1]/",
  "http://[64:ff9b:1::808:808]/",
  "http://[2002:7f00:1::]/",
  "http://[2002:c0a8:101::1]/",
  "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
  // names that only ever mean this machine or a private network
  "http://localhost/",
  "http://LOCALHOST:8080/",
  "http://localhost./",
  "http://localhost../",
  "http://localhost.localdomain/",
  "http://localhost.localdomain./",
  "http://api.localhost/",
  "http://printer.local/",
  "http://metadata.google.internal/",
  "http://nas.home.arpa/",
  "http://intranet/",
];

const allowed = [
  "https://api.openai.com/v1",
  "https://openrouter.ai/api/v1",
  "https://api.shop.test/v1",
  "https://localhost.example.com/",
  "https://mylocal.dev/",
  "http://8.8.8.8/",
  "http://1.1.1.1/",
  "http://172.32.0.1/",
  "http://192.169.0.1/",
  "http://100.128.0.1/",
  "http://223.255.255.255/",
  "http://[2606:4700:4700::1111]/",
  "http://[2a00:1450:4001:82b::200e]/",
  "http://[::ffff:8.8.8.8]/",
  "http://[64:ff9b::808:808]/",
  "http://[2002:808:808::1]/",
];

describe("the private-address check", () => {
  it.each(refused)("refuses %s", (url) => {
    expect(() => assertOutboundUrl(url, false)).toThrow(/private or loopback/);
    expect(assertOutboundUrl(url, true).toString()).toBeTruthy();
  });

  it.each(allowed)("allows %s", (url) => {
    expect(assertOutboundUrl(url, false).toString()).toBeTruthy();
  });

  it("refuses credentials in a URL and schemes other than http(s), even when private addresses are allowed", () => {
    expect(() => assertOutboundUrl("https://user:pw@api.openai.com/v1", true)).toThrow(/credentials/);
    expect(() => assertOutboundUrl("https://token@api.openai.com/v1", true)).toThrow(/credentials/);
    expect(() => assertOutboundUrl("ftp://files.example.com/", true)).toThrow(/http\(s\)/);
    expect(() => assertOutboundUrl("file:///etc/passwd", true)).toThrow(/http\(s\)/);
  });
});
