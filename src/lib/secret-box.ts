import { base64url, fromBase64url } from "./crypto";

const VERSION = "v1";

async function importKey(secret: string): Promise<CryptoKey> {
  // HKDF turns any strong secret string into an AES-256 key bound to this purpose.
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "HKDF", false, [
    "deriveKey",
  ]);
  return crypto.subtle.deriveKey(
    {
      name: "HKDF",
      hash: "SHA-256",
      salt: new Uint8Array(0),
      info: new TextEncoder().encode("switchboard secret-box v1"),
    },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/** Encrypts a secret for storage: `v1.<iv>.<ciphertext>` with AES-GCM. */
export async function seal(plaintext: string, secret: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv },
    await importKey(secret),
    new TextEncoder().encode(plaintext),
  );
  return `${VERSION}.${base64url(iv)}.${base64url(new Uint8Array(sealed))}`;
}

/** Decrypts what `seal` produced; throws if it was tampered with or sealed under another key. */
export async function open(sealed: string, secret: string): Promise<string> {
  const [version, iv, data] = sealed.split(".");
  if (version !== VERSION || !iv || !data) throw new Error("unknown secret-box format");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64url(iv) },
    await importKey(secret),
    fromBase64url(data),
  );
  return new TextDecoder().decode(plain);
}
